using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LlamaJump.Models;

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
        if (Remembered(path) is { } remembered)
        {
            return remembered;
        }
        string? memo = MemoPath(info);
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

    /// <summary>The hash remembered for <paramref name="path"/> as it is now, or null (nothing is hashed).</summary>
    public static string? Remembered(string path)
    {
        string? memo = MemoPath(new FileInfo(path));
        if (memo is null || !File.Exists(memo))
        {
            return null;
        }
        string sha = File.ReadAllText(memo).Trim();
        return sha.Length == 64 ? sha : null;
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
