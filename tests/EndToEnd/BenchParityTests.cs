using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump bench parity</c> on stories260K: both backends run (the stock LLamaSharp.Backend.Cpu and
/// ours, each in a process of tools/StockReference), every repeat of each is printed, and the output ends with the two
/// ratio lines; bad input is one line and exit code 2. Speeds are printed, never asserted.</summary>
public sealed class BenchParityTests
{
    [Fact]
    public void Both_backends_run_and_the_output_ends_with_the_ratio_lines()
    {
        var result = Cli.Llamajump("bench", "parity", "--prompt", "32", "--decode", "8", "--context", "64", "--batch", "32", "--repeats", "2", "--threads", "1");

        result.ExitCode.Should().Be(0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith("stories260K.gguf: 1 threads, context 64, batch 32; 32 prompt tokens, 8 decoded; 2 alternating repeats");
        lines.Count(l => l.Contains(" stock ", StringComparison.Ordinal)).Should().Be(2);
        lines.Count(l => l.Contains(" patched ", StringComparison.Ordinal)).Should().Be(2);
        lines[^2].Should().MatchRegex(@"^prompt: \d+\.\d{3}× stock$");
        lines[^1].Should().MatchRegex(@"^decode: \d+\.\d{3}× stock$");
    }

    [Theory]
    [InlineData(new[] { "--repeats", "0" }, "--repeats must be positive, not 0")]
    [InlineData(new[] { "--prompt", "500", "--decode", "64" }, "--prompt 500 + --decode 64 do not fit --context 512")]
    [InlineData(new[] { "--model", "no-such-model" }, "not found")]
    public void Bad_input_is_one_error_line_and_exit_code_2(string[] args, string expected)
    {
        var result = Cli.Llamajump(["bench", "parity", .. args]);

        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stdout.Should().BeEmpty();
        result.Stderr.Split('\n').Where(l => l.StartsWith("llamajump: error: ", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().Contain(expected);
    }
}
