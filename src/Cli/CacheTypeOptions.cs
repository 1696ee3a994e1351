using System.CommandLine;
using LlamaJump.App;
using LlamaJump.Engine;

namespace LlamaJump.Cli;

/// <summary><c>--cache-type-k</c> / <c>--cache-type-v</c>, accepted by every verb (recursive options of the root
/// command) as llama.cpp's tools take them: the KV cache types of every model the verb loads
/// (<see cref="SessionDefaults"/>). A quantised V turns flash attention on, which llama.cpp needs for it.</summary>
internal static class CacheTypeOptions
{
    public static Option<string?> K { get; } = new("--cache-type-k")
    {
        Description = $"KV cache type of K, as in llama.cpp: {KvCacheTypes.Names} (default f16)",
        Recursive = true,
    };

    public static Option<string?> V { get; } = new("--cache-type-v")
    {
        Description = $"KV cache type of V (a quantised one turns flash attention on): {KvCacheTypes.Names} (default f16)",
        Recursive = true,
    };

    /// <summary>Sets the process defaults; null to go on, or the exit code of a one-line refusal.</summary>
    public static int? Apply(ParseResult parse, JobContext context)
    {
        try
        {
            SessionDefaults.CacheTypeK = KvCacheTypes.Parse("--cache-type-k", parse.GetValue(K));
            SessionDefaults.CacheTypeV = KvCacheTypes.Parse("--cache-type-v", parse.GetValue(V));
            return null;
        }
        catch (UserInputException e)
        {
            return RootOptionRefusal.BadInput(context, e.Message);
        }
    }
}
