namespace App.Tests;

public class ReadinessTests
{
    [Fact]
    public async Task No_checks_means_ready()
    {
        var report = await new Readiness(Array.Empty<Check>()).CheckAsync();

        Assert.True(report.Ready);
        Assert.Empty(report.Checks);
        Assert.Empty(report.Failures);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_run_of_the_checks()
    {
        var runs = 0;
        var readiness = new Readiness(new[]
        {
            new Check("slow", async _ =>
            {
                Interlocked.Increment(ref runs);
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }),
        });

        var reports = await Task.WhenAll(readiness.CheckAsync(), readiness.CheckAsync(), readiness.CheckAsync());

        Assert.Equal(1, runs);
        Assert.All(reports, report => Assert.True(report.Ready));

        await readiness.CheckAsync();
        Assert.Equal(2, runs); // a later call runs the checks again
    }

    [Fact]
    public async Task A_failing_check_is_reported_with_its_error()
    {
        var readiness = new Readiness(new[]
        {
            new Check("cache", _ => Task.FromException(new InvalidOperationException("nope"))),
            new Check("database", _ => Task.CompletedTask),
        });

        var report = await readiness.CheckAsync();

        Assert.False(report.Ready);
        Assert.Equal(new Dictionary<string, string> { ["cache"] = "fail", ["database"] = "ok" }, report.Checks);
        var failure = Assert.Single(report.Failures);
        Assert.Equal("cache", failure.Name);
        Assert.Equal("nope", failure.Error.Message);
    }

    [Fact]
    public async Task A_check_that_throws_before_its_first_await_is_a_failure_too()
    {
        var readiness = new Readiness(new[] { new Check("broken", _ => throw new InvalidOperationException("boom")) });

        var report = await readiness.CheckAsync();

        Assert.Equal("fail", report.Checks["broken"]);
    }
}
