using System.Text.RegularExpressions;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump bench load</c>: every scenario measured for both tunings and printed as a table (the
/// figures themselves are the benchmark's, never asserted here); bad options are one line and exit code 2.</summary>
public sealed partial class BenchLoadTests
{
    [Fact]
    public void Prints_idle_busy_core_and_two_process_rates_for_both_tunings()
    {
        var result = Cli.Llamajump("bench", "load", "--models", "stories260K", "--tokens", "8", "--repeats", "1");

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("tuned = llamajump's thread plan, GOMP_SPINCOUNT=10000");
        foreach (var scenario in new[] { "idle", "beside a busy core", "two processes (each)" })
        {
            Row().Matches(result.Stdout).Should().Contain(m => m.Groups["scenario"].Value == scenario, result.Stdout);
        }
        Row().Matches(result.Stdout).Single(m => m.Groups["scenario"].Value == "idle").Groups["tuned"].Value.Should().Be("1.00");
        result.Stdout.Should().Contain("targets: beside the busy core ≥ 0.40× idle");
    }

    [Theory]
    [InlineData("--tokens", "0")]
    [InlineData("--repeats", "-1")]
    [InlineData("--spin-count", "-5")]
    public void A_non_positive_count_is_one_line_and_exit_code_2(string option, string value)
    {
        var result = Cli.Llamajump("bench", "load", option, value);

        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("llamajump: error: ");
    }

    [Fact]
    public void An_unknown_model_is_one_line_and_exit_code_2()
    {
        var result = Cli.Llamajump("bench", "load", "--models", "no-such-model");

        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Should().StartWith("llamajump: error:").And.Contain("no-such-model");
    }

    /// <summary>"stories260K.gguf  beside a busy core   1382.8    0.86×  …"</summary>
    [GeneratedRegex(@"^stories260K\.gguf\s+(?<scenario>idle|beside a busy core|two processes \(each\))\s+<?[\d.]+\s+(?<tuned>[\d.]+|—)×?\s+<?[\d.]+\s+", RegexOptions.Multiline)]
    private static partial Regex Row();
}
