using LlamaJump.Gguf;

namespace LlamaJump.Models;

/// <summary>
/// Turns rows of floats into a quantised ggml block type, for <see cref="RandomModelBuilder"/>. The models project is
/// managed only, so the quantiser comes from above: the Engine's GgmlRowQuantizer runs ggml's own quantisation from
/// the patched build, so a random model's blocks are exactly what llama-quantize would write for those floats.
/// </summary>
public interface IRowQuantizer
{
    /// <summary>Quantises whole rows of <paramref name="rowLength"/> floats (row-major) of a type of
    /// <see cref="WeightTypes.Quantized"/> into <paramref name="destination"/>, which holds exactly their bytes.</summary>
    void Quantize(GgmlType type, ReadOnlySpan<float> rows, long rowLength, Span<byte> destination);
}
