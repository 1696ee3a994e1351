using LlamaJump.Gguf;

namespace LlamaJump.Models;

/// <summary>Names a model's weight format the way llama.cpp's quantize tool does (llama_ftype).</summary>
internal static class ModelFileType
{
    /// <summary>Names <paramref name="fileType"/> (general.file_type); when it is absent, infers the name from
    /// the types of the weight tensors (those with two or more dims, or all tensors when none has).</summary>
    public static string Describe(long? fileType, IReadOnlyList<GgufTensorInfo> tensors) => fileType switch
    {
        null => Infer(tensors),
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K",
        11 => "Q3_K_S",
        12 => "Q3_K_M",
        13 => "Q3_K_L",
        14 => "Q4_K_S",
        15 => "Q4_K_M",
        16 => "Q5_K_S",
        17 => "Q5_K_M",
        18 => "Q6_K",
        25 => "IQ4_NL",
        30 => "IQ4_XS",
        32 => "BF16",
        long n => $"type {n}",
    };

    private static string Infer(IReadOnlyList<GgufTensorInfo> tensors)
    {
        var weights = tensors.Where(t => t.Dims.Length >= 2).ToList();
        if (weights.Count == 0)
            weights = [.. tensors];
        var types = weights.Select(t => t.Type).Distinct().ToList();
        return types switch
        {
            [] => "unknown",
            [GgmlType.F32] => "F32",
            [GgmlType.F16] => "F16",
            [GgmlType.BF16] => "BF16",
            _ => "mixed",
        };
    }
}
