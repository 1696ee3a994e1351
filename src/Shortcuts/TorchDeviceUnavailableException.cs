namespace LlamaJump.Shortcuts;

/// <summary>CUDA was asked for explicitly and cannot be had here; the message is one line saying why (a CPU-only
/// build, a CUDA backend that does not load, no visible device) and what to do instead.</summary>
public sealed class TorchDeviceUnavailableException(string message) : Exception(message);
