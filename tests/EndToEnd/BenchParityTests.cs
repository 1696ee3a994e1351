using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump bench parity</c> on stories260K: both backends run (the stock LLamaSharp.Backend.Cpu and
/// ours, each in a process of tools/StockReference), every repeat of each is printed, and the output ends with the two
/// ratio lines; a third, baseline side (--baseline) adds its repeats and two ratio lines; bad input is one line and
/// exit code 2. Speeds are printed, never asserted.</summary>
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

    /// <summary>The third side's mechanics, with a copy of our own build standing in for the baseline one (building
    /// that takes ./build.sh baseline, which CI does not run): each side runs once per repeat, the two extra ratio
    /// lines come before the two against stock.</summary>
    [Fact]
    public void A_baseline_side_runs_in_every_repeat_and_adds_its_ratio_lines_before_the_stock_ones()
    {
        string copy = Directory.CreateTempSubdirectory("llamajump-baseline-").FullName;
        try
        {
            foreach (string library in Directory.GetFiles(Path.Combine(Cli.RepoRoot, "build", "native", "lib"), "lib*.so*"))
                File.Copy(library, Path.Combine(copy, Path.GetFileName(library)));
            var result = Cli.Llamajump("bench", "parity", "--prompt", "32", "--decode", "8", "--context", "64", "--batch", "32", "--repeats", "2",
                "--threads", "1", "--baseline", copy);

            result.ExitCode.Should().Be(0, result.Stderr);
            var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (string side in new[] { " stock ", " patched ", " baseline " })
                lines.Count(l => l.Contains(side, StringComparison.Ordinal)).Should().Be(2, side);
            lines[^4].Should().MatchRegex(@"^patches \(patched ÷ baseline\): prompt \d+\.\d{3}×, decode \d+\.\d{3}×$");
            lines[^3].Should().MatchRegex(@"^upstream \(baseline ÷ stock\): prompt \d+\.\d{3}×, decode \d+\.\d{3}×$");
            lines[^2].Should().MatchRegex(@"^prompt: \d+\.\d{3}× stock$");
            lines[^1].Should().MatchRegex(@"^decode: \d+\.\d{3}× stock$");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "--baseline", "/nonexistent-baseline" }, "--baseline /nonexistent-baseline: no libllama.so there (./build.sh baseline builds one")]
    [InlineData(new[] { "--baseline", "build/native/lib" }, "is the patched build itself")]
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
