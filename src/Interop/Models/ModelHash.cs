using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LlamaJump.Interop.Models;

/// <summary>
/// SHA-256 of a model file, streamed (a multi-gigabyte GGUF is never read into memory at once) and remembered in
/// <see cref="LlamaJumpCache"/>/hashes under a key of the file's full path, size and modification time, so a 7B
/// model is hashed once, not on every run. A changed file gets a new key and is hashed again.
/// </summary>
public static class ModelHash
{
    public static string Sha256(string path)
    {
        var info = new FileInfo(path);
        string? memo = MemoPath(info);
        if (memo is not null && File.Exists(memo))
        {
            string remembered = File.ReadAllText(memo).Trim();
            if (remembered.Length == 64)
            {
                return remembered;
            }
        }
        string sha;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
        {
            sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        if (memo is not null)
        {
            TryRemember(memo, sha);
        }
        return sha;
    }

    private static string? MemoPath(FileInfo info)
    {
        if (!info.Exists || LlamaJumpCache.Directory is not { } cache)
        {
            return null;
        }
        string key = string.Create(CultureInfo.InvariantCulture, $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
        return Path.Combine(cache, "hashes", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
    }

    // best effort: a cache that cannot be written only costs hashing again next time
    private static void TryRemember(string memo, string sha)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(memo)!);
            string temp = memo + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(temp, sha);
            File.Move(temp, memo, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
