using System.Globalization;

namespace LlamaJump.Shortcuts;

/// <summary>What <see cref="TorchRuntime.DescribeDevice(TorchDeviceChoice)"/> found (for <c>llamajump doctor</c>): the
/// libtorch this build references ("cpu" or "cuda"), whether TorchSharp's CUDA backend loads, how many CUDA devices
/// are visible, and what <paramref name="Choice"/> resolves to — a <paramref name="Device"/>, or, for an explicit
/// cuda that cannot be had, the one-line <paramref name="Refusal"/> a verb would print.</summary>
public sealed record TorchDeviceReport(string Build, bool CudaBackendLoads, int CudaDevices, TorchDeviceChoice Choice, TorchDevice? Device, string? Refusal)
{
    /// <summary>One line: "cpu libtorch; CUDA backend not loaded; auto → cpu (auto: no CUDA backend in this build)".</summary>
    public string Summary
    {
        get
        {
            string cuda = CudaBackendLoads
                ? string.Create(CultureInfo.InvariantCulture, $"CUDA backend loads, {CudaDevices} device{(CudaDevices == 1 ? "" : "s")} visible")
                : "CUDA backend not loaded";
            string outcome = Device is not null ? Device.ToString() : $"refused: {Refusal}";
            return $"{Build} libtorch; {cuda}; {Choice.Name()} → {outcome}";
        }
    }
}
