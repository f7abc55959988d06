<?php

declare(strict_types=1);

namespace App;

/** An HTTP response as a value, so tests inspect it without a server. */
final class Response
{
    /** @param array<string, string> $headers */
    public function __construct(
        public readonly int $status,
        public readonly string $body = '',
        public readonly array $headers = [],
    ) {
    }

    /** @param array<string, string> $headers */
    public static function json(int $status, mixed $body, array $headers = []): self
    {
        $payload = json_encode($body, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
        return new self($status, $payload, [
            'Content-Type' => 'application/json; charset=utf-8',
            'Content-Length' => (string) strlen($payload),
            'Cache-Control' => 'no-store',
            'X-Content-Type-Options' => 'nosniff',
        ] + $headers);
    }

    /** Writes the response through the server API (FrankenPHP, php -S, ...). */
    public function send(bool $withBody = true): void
    {
        http_response_code($this->status);
        foreach ($this->headers as $name => $value) {
            header($name . ': ' . $value);
        }
        if ($withBody) {
            echo $this->body;
        }
    }
}
