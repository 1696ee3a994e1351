using TorchSharp;
using static TorchSharp.torch;

namespace LlamaJump.Shortcuts;

/// <summary>
/// The torch device training and scoring compute on, and why it is that one (for the log:
/// "cpu (auto: no CUDA backend in this build)"). Made by <see cref="TorchRuntime.ResolveDevice(TorchDeviceChoice)"/>;
/// a library caller may name any torch device type and index (tests use <c>DeviceType.META</c>).
/// <para>Contract of the code that takes one: every tensor it creates lives on <see cref="Type"/>; rows are gathered
/// on the host and copied over (<see cref="Place"/>), results are copied back to the host before they are read
/// (<see cref="ToHost"/>). On the CPU both are the tensor itself, so the CPU path computes exactly what it did before
/// devices existed, bit for bit (same memory, same alignment, same MKL kernels).</para>
/// <para>CPU and CUDA results agree to float rounding, not bit for bit: fp32 products summed in another order
/// (CUDA runs with TF32 off, so both are full fp32). Tolerance, stated for tests and users:
/// <see cref="LossTolerance"/> relative on the validation losses of a short run (a few epochs from the same seed) and
/// <see cref="DmTolerance"/> absolute on D_m of the same candidate jumps. The losses of a long run drift further
/// apart as rounding differences feed back through Adam and early stopping; the OJFA choice then agrees unless two
/// D_m lie within about 1e-4 of each other.</para>
/// </summary>
public sealed class TorchDevice
{
    /// <summary>Relative difference allowed between the CPU's and CUDA's validation losses of a short run.</summary>
    public const double LossTolerance = 1e-4;

    /// <summary>Absolute difference allowed between the CPU's and CUDA's D_m of the same candidates (D_m is in
    /// [−1, 1]; the fp32 part is z = h·A′ + c, the cosines and their mean are double on both).</summary>
    public const double DmTolerance = 1e-5;

    private Device? _torch;

    public TorchDevice(DeviceType type, string reason, int index = -1)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Type = type;
        Index = index;
        Reason = reason;
    }

    /// <summary>The CPU, as every caller got before devices existed.</summary>
    public static TorchDevice Cpu { get; } = new(DeviceType.CPU, "");

    public DeviceType Type { get; }

    /// <summary>The device index, −1 for the current device of the type (CUDA device 0 unless set otherwise).</summary>
    public int Index { get; }

    /// <summary>Why this device: "requested", "auto: no CUDA backend in this build", "" when nobody asked.</summary>
    public string Reason { get; }

    public bool IsCpu => Type == DeviceType.CPU;

    /// <summary>"cpu", "cuda", "cuda:1", "meta".</summary>
    public string Name => Type.ToString().ToLowerInvariant() + (Index >= 0 ? $":{Index}" : "");

    /// <summary>The device for TorchSharp's <c>device:</c> arguments.</summary>
    public Device Torch => _torch ??= new Device(Type, Index);

    /// <summary><paramref name="host"/> (a CPU tensor) on this device: the tensor itself on the CPU, else a copy,
    /// synchronous, so the host memory behind <paramref name="host"/> may be reused as soon as this returns.</summary>
    public Tensor Place(Tensor host) => IsCpu ? host : host.to(Torch);

    /// <summary><paramref name="tensor"/> on the CPU, where its data can be read: the tensor itself when it is there
    /// already.</summary>
    public static Tensor ToHost(Tensor tensor) => tensor.device_type == DeviceType.CPU ? tensor : tensor.cpu();

    public override string ToString() => Reason.Length == 0 ? Name : $"{Name} ({Reason})";
}
