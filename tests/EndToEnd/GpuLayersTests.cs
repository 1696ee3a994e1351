using System.Text.Json;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>--gpu-layers</c> and <c>--tensor-split</c> on a build as this machine has it: on a CPU-only build auto
/// and all run on the CPU (all says so), a count of layers is refused with one line; on a GPU build they offload.</summary>
public sealed class GpuLayersTests
{
    private static readonly bool GpuBuild = File.Exists(Path.Combine(Cli.RepoRoot, "build", "native", "lib", "libggml-cuda.so"));

    private static readonly string[] Generate = ["generate", "--prompt", "Once upon a time", "--max-tokens", "4"];

    [Fact]
    public void All_on_a_cpu_only_build_runs_on_the_cpu_and_says_so()
    {
        var result = Cli.Llamajump([.. Generate, "--gpu-layers", "all"]);

        result.ExitCode.Should().Be(0, result.Stderr);
        if (GpuBuild)
            return; // a GPU build without a device says the same; with one it offloads (scripts/gpu-check.sh measures that)
        result.Stderr.Should().Contain("gpu: --gpu-layers all, but this native build is CPU-only").And.Contain("every layer runs on the CPU");
        result.Stdout.Should().StartWith(", there was a", "the greedy continuation of stories260K, as on the CPU");
    }

    [Fact]
    public void The_default_and_zero_say_nothing_and_generate_the_same_text()
    {
        var auto = Cli.Llamajump(Generate);
        var zero = Cli.Llamajump([.. Generate, "--gpu-layers", "0"]);

        auto.ExitCode.Should().Be(0, auto.Stderr);
        zero.ExitCode.Should().Be(0, zero.Stderr);
        auto.Stderr.Should().NotContain("gpu:");
        zero.Stdout.Should().Be(auto.Stdout);
    }

    [Theory]
    [InlineData("4", "--gpu-layers 4: this native build is CPU-only")]
    [InlineData("many", "--gpu-layers: 'many' is not auto, all or a number of layers")]
    [InlineData("-2", "--gpu-layers: '-2' is not auto, all or a number of layers")]
    public void A_count_without_a_gpu_and_a_malformed_value_are_one_line_and_exit_2(string value, string message)
    {
        if (GpuBuild && value == "4")
            return;
        var result = Cli.Llamajump([.. Generate, "--gpu-layers", value]);

        result.ExitCode.Should().Be(2);
        result.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("llamajump: error: " + message);
    }

    [Fact]
    public void A_tensor_split_without_rpc_or_local_gpus_is_refused()
    {
        if (GpuBuild)
            return;
        var result = Cli.Llamajump([.. Generate, "--tensor-split", "1,1"]);

        result.ExitCode.Should().Be(2);
        result.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--tensor-split needs --rpc or local GPUs: this native build is CPU-only");
    }

    [Fact]
    public void Models_json_says_where_each_model_would_run()
    {
        var result = Cli.Llamajump("models", "--json", "--gpu-layers", "auto");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var document = JsonDocument.Parse(result.Stdout);
        var stories = document.RootElement.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "stories260K.gguf");
        var placement = stories.GetProperty("placement");
        if (GpuBuild)
            return;
        placement.GetProperty("blocks_offloaded").GetInt32().Should().Be(0);
        placement.GetProperty("head_offloaded").GetBoolean().Should().BeFalse();
        placement.GetProperty("devices").EnumerateArray().Select(d => d.GetString()).Should().Equal("CPU");
    }
}
