using AwesomeAssertions;
using LlamaJump.Cli;
using LlamaJump.Shortcuts.Evaluation;

namespace LlamaJump.Tests.Pure.Cli;

/// <summary><c>llamajump eval --arbitrary</c> and <c>--arbitrary-seed</c> as the command line reads them, in process:
/// a bad selection is one error line and exit code 2 before any file is opened; the help states the syntax and the
/// default.</summary>
public sealed class EvalArbitraryOptionTests
{
    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("0", "at least one jump")]
    [InlineData("-1", "not all, none, a sample size N")]
    [InlineData("--arbitrary=-1", "not all, none, a sample size N")]
    [InlineData("some", "not all, none, a sample size N")]
    [InlineData("1,,2", "not all, none, a sample size N")]
    [InlineData("list:", "not all, none, a sample size N")]
    public void A_bad_selection_is_one_error_line_and_exit_code_2(string value, string reason)
    {
        string missing = Path.Combine(Path.GetTempPath(), "llamajump-no-such-dir-" + Guid.NewGuid().ToString("N"));
        string[] arbitrary = value.StartsWith("--", StringComparison.Ordinal) ? [value] : ["--arbitrary", value];
        var (code, stdout, stderr) = Run(["eval", "--dump", missing, "--jumps", Path.Combine(missing, "j.gguf"), "--out", Path.Combine(missing, "r"), .. arbitrary]);

        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle().Which.Should().StartWith("llamajump: error: --arbitrary: ").And.Contain(reason);
        Directory.Exists(missing).Should().BeFalse("nothing is created for a refused selection");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("half")]
    public void A_bad_arbitrary_rows_is_one_error_line_and_exit_code_2(string value)
    {
        string missing = Path.Combine(Path.GetTempPath(), "llamajump-no-such-dir-" + Guid.NewGuid().ToString("N"));
        var (code, stdout, stderr) = Run("eval", "--dump", missing, "--jumps", Path.Combine(missing, "j.gguf"), "--out", Path.Combine(missing, "r"),
            $"--arbitrary-rows={value}");

        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().Be($"llamajump: error: --arbitrary-rows must be a positive number of test samples or all, not '{value}'");
        Directory.Exists(missing).Should().BeFalse();
    }

    [Fact]
    public void The_help_gives_the_syntax_the_default_and_the_seed()
    {
        var (code, stdout, _) = Run("eval", "--help");

        code.Should().Be(0);
        string help = string.Join(' ', stdout.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        help.Should().Contain("--arbitrary").And.Contain("seeded sample of N jumps").And.Contain("list:3").And.Contain("0,3,5");
        help.Should().Contain($"[default: {ArbitrarySelection.DefaultSample}]");
        help.Should().Contain("--arbitrary-seed").And.Contain("[default: 0]");
        help.Should().Contain("--arbitrary-rows").And.Contain($"[default: {EvalSettings.DefaultArbitraryRows}]");
    }
}
