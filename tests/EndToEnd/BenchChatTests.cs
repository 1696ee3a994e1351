using System.Text.RegularExpressions;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump bench chat</c>: both sides measured and the ratio printed with the chat's own status line
/// (the figures are the benchmark's, never asserted here); bad options are one line and exit code 2.</summary>
public sealed partial class BenchChatTests
{
    [Fact]
    public void Prints_both_rates_their_ratio_and_the_chats_status_line()
    {
        var emptyCache = new Dictionary<string, string?> { ["LLAMAJUMP_CACHE"] = Directory.CreateTempSubdirectory("llamajump-e2e-benchchat-").FullName };
        try
        {
            var result = Cli.Run(Cli.Launcher, ["bench", "chat", "--tokens", "24", "--repeats", "1"], emptyCache);

            result.ExitCode.Should().Be(0, result.Stderr);
            Rate().Matches(result.Stdout).Select(m => m.Groups["side"].Value).Should().Equal("chat", "generate");
            result.Stdout.Should().MatchRegex(@"chat / generate: \d+\.\d\d \(target: at least 0\.90\)");
            result.Stdout.Should().MatchRegex(@"chat status line: 24 tokens, \d+ tokens/s");
            result.Stdout.Should().Contain("the chat showed exactly the generator's text (24 tokens)");
        }
        finally
        {
            Directory.Delete(emptyCache["LLAMAJUMP_CACHE"]!, recursive: true);
        }
    }

    [Theory]
    [InlineData("--tokens", "0", "--tokens")]
    [InlineData("--repeats", "-1", "--repeats")]
    [InlineData("--threads", "0", "--threads")]
    [InlineData("--lambda", "-0.5", "--lambda")]
    [InlineData("--model", "no-such-model", "no-such-model")]
    public void Bad_options_are_one_line_and_exit_code_2(string option, string value, string mentions)
    {
        var result = Cli.Llamajump("bench", "chat", option, value);

        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("llamajump: error: ").And.Contain(mentions);
    }

    [Fact]
    public void Exit_mode_without_a_jump_file_says_how_to_make_one()
    {
        var emptyCache = new Dictionary<string, string?> { ["LLAMAJUMP_CACHE"] = Directory.CreateTempSubdirectory("llamajump-e2e-benchchat-").FullName };
        try
        {
            var result = Cli.Run(Cli.Launcher, ["bench", "chat", "--mode", "exit"], emptyCache);

            result.ExitCode.Should().Be(2, result.Stderr);
            result.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("exit mode needs jumps").And.Contain("llamajump train");
        }
        finally
        {
            Directory.Delete(emptyCache["LLAMAJUMP_CACHE"]!, recursive: true);
        }
    }

    /// <summary>"chat         1745.9  1723 1778 1746"</summary>
    [GeneratedRegex(@"^(?<side>chat|generate)\s+\d+\.\d\s+\d+", RegexOptions.Multiline)]
    private static partial Regex Rate();
}
