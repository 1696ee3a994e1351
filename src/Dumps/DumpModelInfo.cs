namespace LlamaJump.Dumps;

/// <summary>The model a dump was taken from, as recorded in manifest.json's <c>model</c>. <see cref="File"/> is the
/// model's file name (informational); <see cref="Sha256"/> (lower-case hex of the GGUF file) identifies it.</summary>
public sealed record DumpModelInfo(string File, string Sha256, string Architecture, int NLayer, int NEmbd, int NVocab);
