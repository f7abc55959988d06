<?php

declare(strict_types=1);

namespace Tests\Probes;

use Tests\AssertionFailed;

/**
 * A fake service on 127.0.0.1 for the probe tests. PHP runs one thing at a time and the
 * probes block, so the server side runs in a child PHP process (fake_server.php): it
 * listens on a free port, serves one connection with a static handler method of a test
 * class, and reports what the handler returned (or the assertion it failed).
 */
final class FakeServer
{
    public readonly int $port;

    /** @var resource */
    private $process;

    /** @var resource */
    private $stdout;

    private bool $finished = false;

    /**
     * @param callable-string $handler "Class::method", called as handler(Peer $peer, array $args): mixed
     * @param array<mixed>    $args    JSON-encodable arguments for the handler
     */
    public function __construct(string $handler, array $args = [])
    {
        $process = proc_open(
            [PHP_BINARY, __DIR__ . '/fake_server.php', $handler, json_encode($args, JSON_THROW_ON_ERROR)],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR],
            $pipes,
        );
        if ($process === false) {
            throw new \RuntimeException('cannot start the fake server');
        }
        $this->process = $process;
        $this->stdout = $pipes[1];
        fclose($pipes[0]);
        $line = $this->readLine(10.0);
        if (preg_match('/^listening (\d+)$/', $line, $m) !== 1) {
            throw new \RuntimeException('fake server did not start: ' . $line);
        }
        $this->port = (int) $m[1];
    }

    /** A port nothing listens on (connections are refused). */
    public static function closedPort(): int
    {
        $server = stream_socket_server('tcp://127.0.0.1:0');
        if ($server === false) {
            throw new \RuntimeException('cannot bind 127.0.0.1');
        }
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($server, false), ':'), 1);
        fclose($server);
        return $port;
    }

    /**
     * Waits for the handler to finish and returns its result; an assertion that failed on
     * the server side fails the test here.
     */
    public function finish(): mixed
    {
        $line = $this->readLine(10.0);
        $this->finished = true;
        fclose($this->stdout);
        $code = proc_close($this->process);
        $report = json_decode($line, true);
        if (!is_array($report)) {
            throw new AssertionFailed(sprintf('fake server exited with code %d and said %s', $code, json_encode($line)));
        }
        if (array_key_exists('error', $report)) {
            throw new AssertionFailed('fake server: ' . $report['error']);
        }
        return $report['result'] ?? null;
    }

    public function __destruct()
    {
        if (!$this->finished) {
            proc_terminate($this->process);
            proc_close($this->process);
        }
    }

    private function readLine(float $timeoutSeconds): string
    {
        $read = [$this->stdout];
        $write = $except = null;
        if (stream_select($read, $write, $except, (int) $timeoutSeconds, (int) (fmod($timeoutSeconds, 1) * 1e6)) !== 1) {
            throw new \RuntimeException('no answer from the fake server');
        }
        return rtrim((string) fgets($this->stdout), "\n");
    }
}
