using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;
using AwesomeAssertions;
using LlamaJump.Shortcuts;
using LlamaJump.Tests.Native.Shortcuts;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LlamaJump.Tests.Native.Torch;

/// <summary>
/// TorchSharp loads from the test output and computes; the build step (eng/TorchSharpGlibcxx.targets)
/// left the output's libLibTorchSharp.so in the state the loaded libstdc++ needs (devices: TorchDeviceTests).
/// It sets libtorch's process-wide seed and thread count, so it runs in the training collection, never beside a test
/// that trains (the quiet models' jumps are trained by the first test that needs them, outside the collection).
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed partial class TorchSharpLoadTests
{
    [Fact]
    public void Linear_model_fits_a_noisy_line()
    {
        TorchRuntime.EnsureLoadable();
        torch.manual_seed(1234);
        Tensor x, y;
        using (torch.NewDisposeScope())
        {
            Tensor inputs = torch.linspace(-1.0, 1.0, 128).unsqueeze(1);
            y = ((3 * inputs) - 2 + (0.01 * torch.randn(128, 1))).DetachFromDisposeScope();
            x = inputs.DetachFromDisposeScope();
        }

        using (x)
        using (y)
        using (var model = nn.Linear(1, 1))
        using (var optimizer = optim.SGD(model.parameters(), 0.1))
        {
            for (int step = 0; step < 300; step++)
            {
                using DisposeScope scope = torch.NewDisposeScope();
                optimizer.zero_grad();
                Tensor loss = nn.functional.mse_loss(model.forward(x), y);
                loss.backward();
                optimizer.step();
            }

            model.weight!.item<float>().Should().BeApproximately(3f, 0.05f);
            model.bias!.item<float>().Should().BeApproximately(-2f, 0.05f);
        }
    }

    [Fact]
    public void Output_copy_needs_GLIBCXX_3_4_32_weakly_unless_the_loaded_libstdcxx_defines_it()
    {
        // Loading is the first check: the loader refuses a strong need the system cannot meet.
        TorchRuntime.EnsureLoadable();
        string torchSharp = LoadedLibrary(name => name == "libLibTorchSharp.so");
        torchSharp.Should().StartWith(AppContext.BaseDirectory, "TorchSharp should load the copy in the test output");
        string libstdcxx = LoadedLibrary(name => name.StartsWith("libstdc++.so.6", StringComparison.Ordinal));

        // readelf is the independent reader here; eng/ElfVersionNeed.cs did the patching.
        bool systemDefines = VerdefGlibcxx3432().IsMatch(ReadElfVersions(libstdcxx));
        Match need = VerneedGlibcxx3432().Match(ReadElfVersions(torchSharp));

        need.Success.Should().BeTrue("TorchSharp 0.107.0's libLibTorchSharp.so needs GLIBCXX_3.4.32 from libstdc++");
        need.Groups["flags"].Value.Should().Be(
            systemDefines ? "none" : "WEAK",
            $"{libstdcxx} {(systemDefines ? "defines" : "lacks")} GLIBCXX_3.4.32, so the build step should {(systemDefines ? "leave the need as shipped" : "mark it weak")}");
    }

    /// <summary>Loading alone puts MKL in its reproducible mode, before anything computes: training stays bit-for-bit
    /// repeatable even where another part of the process (here: any test that ran first) used torch before it.</summary>
    [Fact]
    public void Loading_puts_MKL_in_its_reproducible_mode()
    {
        TorchRuntime.EnsureLoadable();
        using (var a = torch.ones(64, 64))
        using (var product = a.matmul(a))
            product[0, 0].item<float>().Should().Be(64f);

        TorchRuntime.MklReproducible.Should().BeTrue("the pinned libtorch carries MKL, and EnsureLoadable sets AUTO");
    }

    [Fact]
    public void ConfigureThreads_sets_the_torch_thread_count()
    {
        TorchRuntime.EnsureLoadable();
        int before = torch.get_num_threads();
        try
        {
            TorchRuntime.ConfigureThreads(1).Should().Be(1);
            torch.get_num_threads().Should().Be(1);
            TorchRuntime.Describe().Should().Contain(torch.__version__).And.Contain("1 threads");

            TorchRuntime.ConfigureThreads(null).Should().Be(Environment.ProcessorCount);
            torch.get_num_threads().Should().Be(Environment.ProcessorCount);
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }

    /// <summary>The path this process mapped for a shared library, from /proc/self/maps.</summary>
    private static string LoadedLibrary(Func<string, bool> fileNameMatches)
    {
        string? path = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].StartsWith('/'))
            .Select(fields => fields[5].Trim())
            .FirstOrDefault(p => fileNameMatches(Path.GetFileName(p)));
        return path ?? throw new InvalidOperationException("The library is not mapped into this process.");
    }

    private static string ReadElfVersions(string path)
    {
        var start = new ProcessStartInfo("readelf", ["--version-info", "--wide", path]) { RedirectStandardOutput = true };
        try
        {
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            process.ExitCode.Should().Be(0, $"readelf --version-info {path} should succeed");
            return output;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("readelf (binutils) is needed to check the output's libLibTorchSharp.so independently.", e);
        }
    }

    // "  0x0140:   Name: GLIBCXX_3.4.32  Flags: WEAK  Version: 18" in the version needs section.
    [GeneratedRegex(@"Name: GLIBCXX_3\.4\.32\s+Flags: (?<flags>\S+)")]
    private static partial Regex VerneedGlibcxx3432();

    // "  0x0560: Rev: 1  Flags: none  Index: 49  Cnt: 2  Name: GLIBCXX_3.4.32" in the version definitions.
    [GeneratedRegex(@"Rev: \d+\s+Flags: \S+\s+Index: \d+\s+Cnt: \d+\s+Name: GLIBCXX_3\.4\.32\s*$", RegexOptions.Multiline)]
    private static partial Regex VerdefGlibcxx3432();
}
