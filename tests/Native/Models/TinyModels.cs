using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using LlamaJump.Engine;
using LlamaJump.Gguf;
using LlamaJump.Models;

namespace LlamaJump.Tests.Native.Models;

/// <summary>
/// Tiny random-weight GGUFs of every family (<see cref="TinyModelSpec.Families"/>), built by
/// <see cref="RandomModelBuilder"/> on first use and cached in <c>{temp}/llamajump-tiny-models/{key}/</c>, where the
/// key hashes <see cref="BuilderVersion"/>, <see cref="RandomModelPlan.GeneratorVersion"/>, the specs and the bytes of
/// the vocab files, so any change to them builds afresh. Building the paper's three families in F32 and F16 takes
/// under two seconds on 2 cores; an F32 file is 18–28 MB.
/// Thread-safe: each file is built once per process, and a lock file serialises builders across processes (test
/// processes may run side by side); a finished file appears only by rename, so one that exists is complete.
/// </summary>
public static class TinyModels
{
    /// <summary>Bump whenever what a spec produces changes in a way <see cref="RandomModelPlan.GeneratorVersion"/>
    /// (part of the key as well) does not say: how this class calls the builder.</summary>
    public const string BuilderVersion = "tiny-models-3";

    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(5);
    private static readonly ConcurrentDictionary<(TinyModelSpec, GgmlType), Lazy<string>> Built = new();
    private static readonly Lazy<string> CacheDirectory = new(() => Path.Combine(
        Path.GetTempPath(), "llamajump-tiny-models", CacheKey()));

    public static string Llama => PathOf(TinyModelSpec.Llama);

    public static string Gpt2 => PathOf(TinyModelSpec.Gpt2);

    public static string Phi3 => PathOf(TinyModelSpec.Phi3);

    /// <summary>Where the models of this builder version live.</summary>
    public static string CacheRoot => CacheDirectory.Value;

    /// <summary>The vocab-only GGUF whose tokenizer the model of <paramref name="spec"/> carries.</summary>
    public static string VocabPath(TinyModelSpec spec) =>
        Path.Combine(TestPaths.Shared, "models", "vocab", spec.VocabFile);

    /// <summary>The path of the model of <paramref name="spec"/> with 2-D tensors of <paramref name="weightType"/>
    /// (one of <see cref="WeightTypes.All"/>; quantised ones by ggml's own quantiser), building it if it is not cached
    /// yet.</summary>
    public static string PathOf(TinyModelSpec spec, GgmlType weightType = GgmlType.F32) =>
        Built.GetOrAdd((spec, weightType), key => new Lazy<string>(() => BuildOrReuse(key.Item1, key.Item2))).Value;

    private static string BuildOrReuse(TinyModelSpec spec, GgmlType weightType)
    {
        string dir = Directory.CreateDirectory(CacheRoot).FullName;
        // two specs of one name (another width, as some tests make) must not share a file: the name carries the spec's hash
        string specHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(spec.ToString())))[..8];
        string path = Path.Combine(dir, $"tiny-{spec.Name}-{specHash}-{weightType.ToString().ToLowerInvariant()}.gguf");
        if (File.Exists(path))
            return path;
        using var processLock = AcquireLock(Path.Combine(dir, ".lock"));
        if (!File.Exists(path)) // another process may have built it while this one waited
            RandomModelBuilder.Write(spec.Model, weightType, VocabPath(spec), path, GgmlRowQuantizer.Instance);
        return path;
    }

    private static FileStream AcquireLock(string lockPath)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static string CacheKey()
    {
        var text = new StringBuilder(BuilderVersion).Append('\n').Append(RandomModelPlan.GeneratorVersion).Append('\n');
        foreach (var spec in TinyModelSpec.Families)
        {
            text.Append(spec).Append('\n');
            text.Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(VocabPath(spec))))).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
