using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace App.Tests;

/// <summary>The real app (Kestrel, routing, middleware) on a random port of 127.0.0.1.</summary>
public class AppHostTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private sealed class TestApp : IAsyncDisposable
    {
        private TestApp(WebApplication app, AppState state, HttpClient client, int port)
        {
            App = app;
            State = state;
            Client = client;
            Port = port;
        }

        public WebApplication App { get; }

        public AppState State { get; }

        public HttpClient Client { get; }

        public int Port { get; }

        public static async Task<TestApp> StartAsync(IReadOnlyList<Check> checks, TimeSpan? shutdownTimeout = null)
        {
            var settings = new Settings(
                "127.0.0.1",
                0,
                LogLevel.Error,
                shutdownTimeout ?? TimeSpan.FromSeconds(5),
                Array.Empty<ConfiguredDependency>());
            var state = new AppState();
            var app = AppHost.Build(settings, new Readiness(checks), state);
            await app.StartAsync(Token);
            var address = new Uri(app.Urls.First());
            var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            return new TestApp(app, state, client, address.Port);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.DisposeAsync();
        }
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;

    private static async Task<bool> CanConnectAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), $"timed out waiting until {what}");
            await Task.Delay(20, Token);
        }
    }

    [Fact]
    public async Task Healthz_is_200_ok_in_JSON()
    {
        await using var app = await TestApp.StartAsync(Array.Empty<Check>());

        using var response = await app.Client.GetAsync("/healthz?verbose=1", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"status\":\"ok\"}", await response.Content.ReadAsStringAsync(Token));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False(response.Headers.Contains("Server"), "no Server header");
    }

    [Fact]
    public async Task Healthz_answers_HEAD_without_a_body()
    {
        await using var app = await TestApp.StartAsync(Array.Empty<Check>());

        using var response = await app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/healthz"), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Readyz_is_200_when_every_check_passes()
    {
        await using var app = await TestApp.StartAsync(new[]
        {
            new Check("postgres", _ => Task.CompletedTask),
            new Check("redis", _ => Task.CompletedTask),
        });

        using var response = await app.Client.GetAsync("/readyz", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"status\":\"ready\",\"checks\":{\"postgres\":\"ok\",\"redis\":\"ok\"}}", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Readyz_is_503_naming_the_failing_check_with_details_only_in_the_log()
    {
        await using var app = await TestApp.StartAsync(new[]
        {
            new Check("postgres", _ => Task.FromException(new InvalidOperationException("connect ECONNREFUSED 10.0.0.7:5432"))),
            new Check("redis", _ => Task.CompletedTask),
        });

        using var response = await app.Client.GetAsync("/readyz", Token);
        var body = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("{\"status\":\"not ready\",\"checks\":{\"postgres\":\"fail\",\"redis\":\"ok\"}}", body);
        Assert.DoesNotContain("10.0.0.7", body);
    }

    [Fact]
    public async Task Unknown_paths_are_404_in_JSON()
    {
        await using var app = await TestApp.StartAsync(Array.Empty<Check>());

        using var response = await app.Client.GetAsync("/nope", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not found", (await JsonOf(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_wrong_method_is_405_in_JSON_with_an_Allow_header()
    {
        await using var app = await TestApp.StartAsync(Array.Empty<Check>());

        using var response = await app.Client.PostAsync("/healthz", new StringContent("x"), Token);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Contains("HEAD", response.Content.Headers.Allow);
        Assert.Equal("method not allowed", (await JsonOf(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Stopping_fails_readiness_refuses_new_connections_and_lets_the_in_flight_request_finish()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(new[]
        {
            new Check("slow", async _ =>
            {
                entered.TrySetResult();
                await release.Task;
            }),
        });

        var inFlight = app.Client.GetAsync("/readyz", Token);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(5), Token);
        var stopping = app.App.StopAsync(Token);

        await EventuallyAsync(() => Task.FromResult(app.State.ShuttingDown), "readiness fails");
        await EventuallyAsync(async () => !await CanConnectAsync(app.Port), "new connections are refused");
        Assert.False(stopping.IsCompleted, "the host waits for the in-flight request");

        release.SetResult();
        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await stopping.WaitAsync(TimeSpan.FromSeconds(5), Token);
    }

    [Fact]
    public async Task A_request_that_never_finishes_does_not_hold_the_shutdown_past_its_timeout()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(
            new[]
            {
                new Check("stuck", async _ =>
                {
                    entered.TrySetResult();
                    await Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None);
                }),
            },
            TimeSpan.FromMilliseconds(200));

        var inFlight = app.Client.GetAsync("/readyz", Token);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(5), Token);
        var watch = Stopwatch.StartNew();

        await app.App.StopAsync(Token).WaitAsync(TimeSpan.FromSeconds(15), Token);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"stopped after {watch.Elapsed}");
        await Assert.ThrowsAnyAsync<Exception>(() => inFlight);
    }

    [Fact]
    public async Task The_healthcheck_switch_exits_0_against_the_running_app_and_1_without_it()
    {
        int port;
        await using (var app = await TestApp.StartAsync(Array.Empty<Check>()))
        {
            port = app.Port;
            string? Running(string key) => key == "PORT" ? port.ToString(CultureInfo.InvariantCulture) : null;
            Assert.Equal(0, await HealthCheckCommand.RunAsync(Running, 1));
        }

        string? Closed(string key) => key == "PORT" ? port.ToString(CultureInfo.InvariantCulture) : null;
        Assert.Equal(1, await HealthCheckCommand.RunAsync(Closed, 1, TimeSpan.FromSeconds(1)));
    }
}
