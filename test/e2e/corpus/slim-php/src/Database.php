<?php

declare(strict_types=1);

namespace App;

use PDO;

final class Database
{
    private ?PDO $pdo = null;

    /** Connects on first use. */
    public function pdo(): PDO
    {
        return $this->pdo ??= new PDO(
            sprintf('pgsql:host=%s;port=%s;dbname=%s', $_ENV['DB_HOST'] ?? 'localhost', $_ENV['DB_PORT'] ?? '5432', $_ENV['DB_NAME'] ?? 'flags'),
            $_ENV['DB_USER'] ?? 'flags',
            $_ENV['DB_PASSWORD'] ?? '',
            [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION],
        );
    }
}
