using System.Text.Json;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump doctor</c>: the patched backend, LLamaSharp generation and TorchSharp, from the built app.</summary>
public sealed class DoctorCommandTests
{
    [Fact]
    public void Doctor_generates_with_the_default_model_and_trains_with_torch()
    {
        var result = Cli.Llamajump("doctor");

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("patched build confirmed");
        // the stock LLamaSharp backend's greedy continuation of this prompt (tests/Native/Fixtures)
        result.Stdout.Should().Contain("\"Once upon a time\" →, there was a little girl named Lily. She loved to play outside in the park.");
        result.Stdout.Should().MatchRegex(@"least squares\s+w=3\.0\d\d b=-2\.0\d\d");
        result.Stderr.Should().NotContain("llama_model_loader", "llama.cpp's info logs stay quiet unless LLAMAJUMP_VERBOSE=1");
    }

    [Fact]
    public void Doctor_counts_the_cores_of_its_affinity_not_of_the_machine()
    {
        var pinned = Cli.Run("/usr/bin/taskset", ["-c", "0", Cli.Launcher, "doctor"]);

        pinned.ExitCode.Should().Be(0, pinned.Stderr);
        pinned.Stdout.Should().MatchRegex(@"cpu\s+1 core \(affinity 1, ");
        pinned.Stdout.Should().MatchRegex(@"threads\s+1 thread\b");
        pinned.Stdout.Should().Contain("OpenMP waiting: GOMP_SPINCOUNT=10000 (set by llamajump)");
    }

    [Fact]
    public void Doctor_json_says_which_backend_and_devices_were_found_and_where_the_model_runs()
    {
        var result = Cli.Llamajump("doctor", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var document = JsonDocument.Parse(result.Stdout);
        var root = document.RootElement;
        root.GetProperty("schema").GetString().Should().Be("llamajump.doctor/1");
        var devices = root.GetProperty("native").GetProperty("devices").EnumerateArray().ToList();
        devices.Should().Contain(d => d.GetProperty("kind").GetString() == "cpu" && d.GetProperty("backend").GetString() == "CPU");
        bool gpuBuild = File.Exists(Path.Combine(Cli.RepoRoot, "build", "native", "lib", "libggml-cuda.so"));
        root.GetProperty("native").GetProperty("gpu_backends").GetArrayLength().Should().Be(gpuBuild ? 1 : 0);
        var placement = root.GetProperty("placement");
        if (!devices.Any(d => d.GetProperty("kind").GetString() == "gpu"))
        {
            placement.GetProperty("blocks_offloaded").GetInt32().Should().Be(0);
            placement.GetProperty("devices").EnumerateArray().Select(d => d.GetString()).Should().Equal("CPU");
        }
        root.GetProperty("model").GetProperty("file").GetString().Should().Be("stories260K.gguf");
        root.GetProperty("greedy").GetProperty("text").GetString().Should().StartWith(", there was a little girl named Lily.");
        var torch = root.GetProperty("torch");
        if (!torch.GetProperty("cuda_backend_loads").GetBoolean())
            torch.GetProperty("auto_device").GetString().Should().Be("cpu", "auto trains on the CPU without CUDA");
        root.GetProperty("torch").GetProperty("least_squares").GetString().Should().MatchRegex(@"w=3\.0\d\d b=-2\.0\d\d");
    }
}
