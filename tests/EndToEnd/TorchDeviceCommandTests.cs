using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump train --device</c> as a user runs it on a machine without CUDA: the default auto and an
/// explicit cpu train the same jump file byte for byte and say which device they used; an explicit cuda is one line
/// and exit code 2, and writes nothing.</summary>
public sealed class TorchDeviceCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-device-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Auto_and_cpu_train_the_same_jumps_and_cuda_without_a_gpu_is_refused_in_one_line()
    {
        string dump = Path.Combine(_dir, "dump");
        var dumped = Cli.Llamajump("dump", "--corpus", Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw"),
            "--train", "160", "--test", "20", "--out", dump, "--seed", "3");
        dumped.ExitCode.Should().Be(0, dumped.Stderr);

        string auto = Path.Combine(_dir, "auto.gguf"), cpu = Path.Combine(_dir, "cpu.gguf"), cuda = Path.Combine(_dir, "cuda.gguf");
        var byDefault = Cli.Llamajump("train", "--dump", dump, "--out", auto, "--epochs", "3", "--seed", "3");
        byDefault.ExitCode.Should().Be(0, byDefault.Stderr);
        string chosen = byDefault.Stderr.Split('\n').Single(l => l.StartsWith("train: torch: ", StringComparison.Ordinal));
        if (chosen.StartsWith("train: torch: cuda", StringComparison.Ordinal))
        {
            Assert.Skip($"CUDA is available here ({chosen}); this checks a machine without it");
        }
        chosen.Should().StartWith("train: torch: cpu (auto: ");
        byDefault.Stdout.Should().Contain("torch cpu");

        var onCpu = Cli.Llamajump("train", "--dump", dump, "--out", cpu, "--epochs", "3", "--seed", "3", "--device", "cpu");
        onCpu.ExitCode.Should().Be(0, onCpu.Stderr);
        onCpu.Stderr.Should().Contain("train: torch: cpu (requested)");
        File.ReadAllBytes(cpu).Should().Equal(File.ReadAllBytes(auto), "auto is the cpu here, and the device is not part of the jump file");

        var refused = Cli.Llamajump("train", "--dump", dump, "--out", cuda, "--epochs", "3", "--device", "cuda");
        refused.ExitCode.Should().Be(2, refused.Stderr);
        refused.Stdout.Should().BeEmpty();
        refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().StartWith("llamajump: error: CUDA was requested, but ").And.Contain("use the cpu device");
        File.Exists(cuda).Should().BeFalse();
    }
}
