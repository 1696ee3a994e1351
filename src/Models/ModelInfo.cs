using LlamaJump.Gguf;

namespace LlamaJump.Models;

/// <summary>What a GGUF file says about the model in it, for listings and for sizing work before loading.
/// <see cref="FileType"/> is a llama.cpp quantization name ("F32", "Q4_K_M", "type 19", or "mixed" when
/// inferred from differing tensor types). A vocab-only file has <see cref="HasTensors"/> false.</summary>
public sealed record ModelInfo(
    string Path,
    string FileName,
    string Architecture,
    int BlockCount,
    int EmbeddingLength,
    int VocabSize,
    long FileSizeBytes,
    string FileType,
    int TensorCount,
    bool HasTensors,
    string? ChatTemplate)
{
    /// <summary>Throws <see cref="GgufFormatException"/> for a malformed file or one that lacks
    /// general.architecture, {arch}.block_count, {arch}.embedding_length or a vocabulary size.</summary>
    public static ModelInfo Read(string path) => FromGguf(GgufFile.Read(path));

    public static ModelInfo FromGguf(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string fileName = System.IO.Path.GetFileName(file.Path);
        string arch = file.GetString("general.architecture")
            ?? throw new GgufFormatException(fileName, "no general.architecture");
        if (arch.Length == 0 || arch.Any(char.IsControl))
            throw new GgufFormatException(fileName, $"general.architecture {GgufText.Quote(arch)} is not a name");
        int blockCount = RequiredPositiveInt(file, fileName, $"{arch}.block_count");
        int embeddingLength = RequiredPositiveInt(file, fileName, $"{arch}.embedding_length");
        int vocabSize = file.GetArrayLength("tokenizer.ggml.tokens") is > 0 and int tokenCount
            ? tokenCount
            : PositiveInt(file, fileName, $"{arch}.vocab_size")
              ?? throw new GgufFormatException(fileName, $"no tokenizer.ggml.tokens or {arch}.vocab_size");
        return new ModelInfo(
            Path: file.Path,
            FileName: fileName,
            Architecture: arch,
            BlockCount: blockCount,
            EmbeddingLength: embeddingLength,
            VocabSize: vocabSize,
            FileSizeBytes: file.FileSize,
            FileType: ModelFileType.Describe(file.GetInteger("general.file_type"), file.Tensors),
            TensorCount: file.Tensors.Count,
            HasTensors: file.Tensors.Count > 0,
            ChatTemplate: file.GetString("tokenizer.chat_template"));
    }

    private static int RequiredPositiveInt(GgufFile file, string fileName, string key) =>
        PositiveInt(file, fileName, key) ?? throw new GgufFormatException(fileName, $"no {key}");

    /// <summary>Null when the key is absent; throws when it is not an integer in 1..int.MaxValue.</summary>
    private static int? PositiveInt(GgufFile file, string fileName, string key)
    {
        if (!file.Metadata.TryGetValue(key, out var value))
            return null;
        if (value.AsInteger() is not (> 0 and <= int.MaxValue and long number))
            throw new GgufFormatException(fileName, $"{key} is {value.Type} {GgufText.Quote(value.ToString())}, not a positive int");
        return (int)number;
    }
}
