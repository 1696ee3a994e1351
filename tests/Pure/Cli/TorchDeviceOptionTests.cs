using AwesomeAssertions;
using LlamaJump.Cli;

namespace LlamaJump.Tests.Pure.Cli;

/// <summary><c>--device</c> of train, pipeline and demo as the command line reads it, in process: an unknown name is
/// one error line and exit code 2 before anything is opened or created (and before libtorch loads); the help gives
/// the names and the default auto; verbs that run no TorchSharp do not take it.</summary>
public sealed class TorchDeviceOptionTests
{
    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string Missing() => Path.Combine(Path.GetTempPath(), "llamajump-no-such-dir-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> Verbs => new("train", "pipeline", "demo");

    private static string[] Arguments(string verb, string missing) => verb switch
    {
        "train" => ["train", "--dump", missing, "--out", Path.Combine(missing, "j.gguf")],
        "pipeline" => ["pipeline", "--models", Path.Combine(missing, "m.gguf"), "--out", missing],
        _ => [verb, "--out", missing],
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void An_unknown_device_is_one_error_line_and_exit_code_2(string verb)
    {
        string missing = Missing();

        var (code, stdout, stderr) = Run([.. Arguments(verb, missing), "--device", "tpu"]);

        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().Be("llamajump: error: --device: 'tpu' is not a torch device (auto, cpu, cuda)");
        Directory.Exists(missing).Should().BeFalse("nothing is created for a refused device");
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void The_help_gives_the_names_and_the_default_auto(string verb)
    {
        var (code, stdout, _) = Run(verb, "--help");

        code.Should().Be(0);
        string help = string.Join(' ', stdout.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        help.Should().Contain("--device").And.Contain("auto, cpu, cuda").And.Contain("LLAMAJUMP_TORCH=cuda ./build.sh");
        help.Should().MatchRegex(@"--device .*\[default: auto\]");
    }

    [Theory]
    [InlineData("eval")]
    [InlineData("dump")]
    [InlineData("generate")]
    public void Verbs_that_run_no_TorchSharp_do_not_take_it(string verb)
    {
        var (_, stdout, _) = Run(verb, "--help");

        stdout.Should().NotContain("--device", $"{verb} computes nothing with TorchSharp (eval applies the jumps with TensorPrimitives, the head is llama.cpp's)");
    }
}
