using LlamaJump.App;
using LlamaJump.Dumps.Safetensors;

namespace LlamaJump.App.Dump;

/// <summary>
/// Refuses a dump up front when the hidden states still to write (samples × n_layer × n_embd × the dtype's bytes)
/// exceed the free space of the output's file system, naming the estimate. The estimate counts tensor bytes only (the
/// sample records and headers add well under 1 %). <c>LLAMAJUMP_NO_SPACE_CHECK=1</c> skips the check (a file system
/// that reports less than it can hold); a disk that still fills up is then the clear I/O error of the writer.
/// </summary>
public static class DumpSpaceCheck
{
    public static long EstimateBytes(long samples, int nLayer, int nEmbd, TensorDtype dtype) =>
        checked(samples * nLayer * nEmbd * (dtype == TensorDtype.F32 ? 4L : 2L));

    public static void Ensure(string outDirectory, long samples, int nLayer, int nEmbd, TensorDtype dtype)
    {
        if (Environment.GetEnvironmentVariable("LLAMAJUMP_NO_SPACE_CHECK") == "1" || samples <= 0)
            return;
        long need = EstimateBytes(samples, nLayer, nEmbd, dtype);
        string existing = Path.GetFullPath(outDirectory);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
            existing = parent;
        long free = new DriveInfo(existing).AvailableFreeSpace;
        if (need > free)
            throw new UserInputException($"the dump needs about {TextTable.Bytes(need)} for {samples} samples × {nLayer} blocks × n_embd {nEmbd} ({dtype.ToString().ToLowerInvariant()}), but {outDirectory} has {TextTable.Bytes(free)} free");
    }
}
