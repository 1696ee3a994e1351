using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary>build.sh and the launcher as a user meets them: cached rebuilds, the CUDA switch without a toolkit, a
/// launcher whose app is missing.</summary>
public sealed class BuildScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-build-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string BuildScript => Path.Combine(Cli.RepoRoot, "build.sh");

    [Fact]
    public void A_second_native_build_is_served_from_the_cache()
    {
        var result = Cli.Run(BuildScript, ["native"]);

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stderr.Should().Contain("native backend up to date (cpu, key");
        result.Stderr.Should().NotContain("compiling");
    }

    [Fact]
    public void The_CUDA_build_without_a_toolkit_stops_with_a_clear_message()
    {
        // PATH without any nvcc; the CUDA switch must refuse before touching the CPU build
        var result = Cli.Run(BuildScript, ["native"], new Dictionary<string, string?> { ["GGML_CUDA"] = "1", ["PATH"] = "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin:" + Path.GetDirectoryName(Environment.ProcessPath) });

        if (File.Exists("/usr/local/cuda/bin/nvcc"))
        {
            Assert.Skip("a CUDA toolkit is installed here; this checks the message on machines without one");
        }
        result.ExitCode.Should().NotBe(0);
        result.Stderr.Should().Contain("GGML_CUDA=1 needs the CUDA toolkit (nvcc not found");
        File.Exists(Path.Combine(Cli.RepoRoot, "build", "native", "lib", "libllama.so")).Should().BeTrue("the CPU build stays in place");
    }

    [Fact]
    public void An_unknown_build_command_is_refused()
    {
        var result = Cli.Run(BuildScript, ["bogus"]);

        result.ExitCode.Should().NotBe(0);
        result.Stderr.Should().Contain("unknown command 'bogus'");
    }

    [Fact]
    public void The_launcher_names_build_sh_when_the_app_is_not_built()
    {
        string launcher = Path.Combine(_dir, "llamajump");
        File.Copy(Path.Combine(Cli.RepoRoot, "llamajump"), launcher);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var result = Cli.Run(launcher, ["models"]);

        result.ExitCode.Should().Be(69);
        result.Stderr.Should().Contain("run ./build.sh first");
    }
}
