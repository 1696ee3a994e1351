using System.Security.Cryptography;

namespace LlamaJump.Tui.Dump;

/// <summary>SHA-256 of a model file, streamed (a multi-gigabyte GGUF is never read into memory at once).</summary>
public static class ModelHash
{
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
