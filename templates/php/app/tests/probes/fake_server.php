<?php

declare(strict_types=1);

// Child process of Tests\Probes\FakeServer: listens on a free port on 127.0.0.1, prints
// "listening <port>", serves one connection with the handler named on the command line and
// prints {"result": ...} or {"error": "..."} as its last line.

require dirname(__DIR__, 2) . '/vendor/autoload.php';

use Tests\Probes\Peer;

set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    if ((error_reporting() & $severity) === 0) {
        return false; // silenced with @
    }
    throw new ErrorException($message, 0, $severity, $file, $line);
});

[, $handler, $json] = $argv + [null, '', '[]'];
$args = json_decode((string) $json, true, 512, JSON_THROW_ON_ERROR);

$server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
if ($server === false) {
    echo json_encode(['error' => "cannot listen: {$errstr}"]), "\n";
    exit(1);
}
$name = (string) stream_socket_get_name($server, false);
echo 'listening ', substr($name, strrpos($name, ':') + 1), "\n";
fflush(STDOUT);

try {
    $connection = @stream_socket_accept($server, 10);
    if ($connection === false) {
        throw new RuntimeException('no connection within 10 s');
    }
    $result = $handler(new Peer($connection), $args);
    echo json_encode(['result' => $result], JSON_THROW_ON_ERROR), "\n";
    exit(0);
} catch (Throwable $error) {
    echo json_encode(['error' => $error::class . ': ' . $error->getMessage()]), "\n";
    exit(1);
}
