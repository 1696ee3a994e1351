namespace LlamaJump.Shortcuts;

/// <summary>Where the TorchSharp side (training, D_m scoring) is asked to compute: <see cref="Auto"/> takes CUDA when
/// this build's libtorch has its CUDA backend and a device is visible, else the CPU, and never fails for lack of a GPU;
/// <see cref="Cpu"/> is the CPU; <see cref="Cuda"/> is CUDA device 0 or a refusal saying why
/// (<see cref="TorchRuntime.ResolveDevice(TorchDeviceChoice)"/>).</summary>
public enum TorchDeviceChoice
{
    Auto,
    Cpu,
    Cuda,
}

public static class TorchDeviceChoices
{
    /// <summary>The accepted names, for help texts and messages.</summary>
    public const string Names = "auto, cpu, cuda";

    public static string Name(this TorchDeviceChoice choice) => choice switch
    {
        TorchDeviceChoice.Auto => "auto",
        TorchDeviceChoice.Cpu => "cpu",
        TorchDeviceChoice.Cuda => "cuda",
        _ => throw new ArgumentOutOfRangeException(nameof(choice), choice, null),
    };

    /// <summary>Parses "auto", "cpu" or "cuda" (any case, surrounding blanks ignored); throws
    /// <see cref="ArgumentException"/> with a one-line message otherwise.</summary>
    public static TorchDeviceChoice Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "AUTO" => TorchDeviceChoice.Auto,
            "CPU" => TorchDeviceChoice.Cpu,
            "CUDA" => TorchDeviceChoice.Cuda,
            _ => throw new ArgumentException($"'{name}' is not a torch device ({Names})"),
        };
    }
}
