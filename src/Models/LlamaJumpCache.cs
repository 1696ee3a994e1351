namespace LlamaJump.Models;

/// <summary>
/// The per-user cache: <c>$LLAMAJUMP_CACHE</c>, else <c>$XDG_CACHE_HOME/llamajump</c>, else
/// <c>~/.cache/llamajump</c>. It holds model hashes (<c>hashes/</c>) and the jump file of each model trained here
/// (<c>jumps/&lt;model sha256&gt;.jumps.gguf</c>), which is how <c>generate</c> and <c>chat</c> find a model's jumps
/// without <c>--jumps</c>. Null when no home directory is known.
/// </summary>
public static class LlamaJumpCache
{
    public static string? Directory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("LLAMAJUMP_CACHE") is { Length: > 0 } explicitDir)
            {
                return Path.GetFullPath(explicitDir);
            }
            if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg)
            {
                return Path.Combine(xdg, "llamajump");
            }
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return home.Length > 0 ? Path.Combine(home, ".cache", "llamajump") : null;
        }
    }

    /// <summary>Where the jump file of the model with <paramref name="modelSha256"/> is kept; null without a cache.</summary>
    public static string? JumpFile(string modelSha256) =>
        Directory is { } dir ? Path.Combine(dir, "jumps", modelSha256.ToLowerInvariant() + ".jumps.gguf") : null;
}
