<?php

declare(strict_types=1);

namespace App\Action;

use App\Database;
use Psr\Http\Message\ResponseInterface as Response;
use Psr\Http\Message\ServerRequestInterface as Request;

final class ListFlags
{
    public function __construct(private Database $db)
    {
    }

    public function __invoke(Request $request, Response $response): Response
    {
        $flags = $this->db->pdo()->query('SELECT name, enabled FROM flags ORDER BY name')->fetchAll();
        $response->getBody()->write(json_encode($flags));
        return $response->withHeader('Content-Type', 'application/json');
    }
}
