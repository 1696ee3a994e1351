using LlamaJump.Gguf;
using LlamaJump.Interop;
using LlamaJump.Models;

namespace LlamaJump.Engine;

/// <summary>The <see cref="IRowQuantizer"/> of the patched build: ggml's own quantisation
/// (<see cref="GgmlQuantization"/>), the code llama-quantize runs. Loads the native backend on first use.</summary>
public sealed class GgmlRowQuantizer : IRowQuantizer
{
    public static GgmlRowQuantizer Instance { get; } = new();

    private GgmlRowQuantizer()
    {
    }

    public void Quantize(GgmlType type, ReadOnlySpan<float> rows, long rowLength, Span<byte> destination) =>
        GgmlQuantization.Quantize(type, rows, rowLength, destination);
}
