using Xunit;

public class SmokeTests
{
    [Fact]
    public void Runs() => Assert.True(true);
}
