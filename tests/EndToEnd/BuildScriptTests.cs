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
    public void A_CUDA_libtorch_that_cannot_be_restored_stops_the_dotnet_build_in_one_line()
    {
        // In a copy of what a restore reads, so the real tree's restore state stays as it is.
        string copy = Path.Combine(_dir, "repo");
        CopyRestoreInputs(Cli.RepoRoot, copy);

        var result = Cli.Run(Path.Combine(copy, "build.sh"), ["dotnet"], new Dictionary<string, string?> { ["LLAMAJUMP_TORCH"] = "cuda" }, timeoutSeconds: 600);

        string log = Path.Combine(copy, "build", "dotnet-build.log");
        if (!File.Exists(log) || !File.ReadAllText(log).Contains("NU1101", StringComparison.Ordinal))
        {
            Assert.Skip("the CUDA libtorch restores from this machine's NuGet sources");
        }
        result.ExitCode.Should().NotBe(0);
        var errors = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("==> ", StringComparison.Ordinal) && l.Trim().Length > 0).ToList();
        errors.Should().ContainSingle(result.Stderr).Which.Should().StartWith("build.sh: error: LLAMAJUMP_TORCH=cuda: the CUDA libtorch package libtorch-cuda-12.8-linux-x64 could not be restored")
            .And.Contain("NuGet");
    }

    [Fact]
    public void An_unknown_torch_backend_is_refused_before_anything_is_built()
    {
        var result = Cli.Run(BuildScript, ["native"], new Dictionary<string, string?> { ["LLAMAJUMP_TORCH"] = "gpu" });

        result.ExitCode.Should().NotBe(0);
        result.Stderr.Trim().Should().Be("build.sh: error: LLAMAJUMP_TORCH must be cpu or cuda (got 'gpu')");
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

    /// <summary>build.sh, the solution, the MSBuild settings and every project file: what `./build.sh dotnet` reads
    /// up to its restore.</summary>
    private static void CopyRestoreInputs(string from, string to)
    {
        var files = Directory.EnumerateFiles(from).Where(f => Path.GetExtension(f) is ".sln" or ".props" or ".targets" or ".json" || Path.GetFileName(f) == "build.sh")
            .Concat(Directory.EnumerateFiles(Path.Combine(from, "eng"), "*", SearchOption.AllDirectories))
            .Concat(new[] { "src", "tests", "tools" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(from, d), "*.csproj", SearchOption.AllDirectories)))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal));
        foreach (string file in files)
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(to, "build.sh"), File.GetUnixFileMode(Path.Combine(from, "build.sh")));
        }
    }
}
