using System.Globalization;
using LLama;
using LLama.Common;
using LlamaJump.Interop;

namespace LlamaJump.Engine;

/// <summary>How a <see cref="ModelSession"/> sizes its context: sequences decoded together, tokens per sequence,
/// threads (default: <see cref="ThreadPlan"/> from the cores this process may use). The KV cache is unified, so a batch of sequences shares SequenceCount × MaxTokens cells.</summary>
/// <param name="CacheTypeK">the K cache's type, as llama.cpp's --cache-type-k sets it (null: f16)</param>
/// <param name="CacheTypeV">the V cache's type (null: f16); a quantised V cache turns flash attention on, which
/// llama.cpp needs for it</param>
public sealed record SessionOptions(int SequenceCount = 1, int MaxTokens = 512, int? Threads = null, bool FlashAttention = false,
    Gguf.GgmlType? CacheTypeK = null, Gguf.GgmlType? CacheTypeV = null)
{
    public int ContextSize => SequenceCount * MaxTokens;

    /// <summary>Flash attention as the context gets it: asked for, or needed by a quantised V cache.</summary>
    public bool UsesFlashAttention => FlashAttention || CacheTypeV is not (null or Gguf.GgmlType.F32 or Gguf.GgmlType.F16 or Gguf.GgmlType.BF16);
}

/// <summary>llama.cpp refused to create a context with the options asked for (e.g. a KV cache type that does not fit
/// the model's widths).</summary>
public sealed class ContextRefusedException(string message) : InvalidOperationException(message);

/// <summary>
/// A GGUF model loaded on the patched backend with one context sized by <see cref="SessionOptions"/>. Owns both;
/// disposing frees the model's memory. Loading refuses a file that is not a readable GGUF (checked by our reader
/// first, so llama.cpp never aborts on it).
/// </summary>
public sealed class ModelSession : IDisposable
{
    public LLamaWeights Weights { get; }
    public LLamaContext Context { get; }
    public SessionOptions Options { get; }
    public Models.ModelInfo Info { get; }
    /// <summary>The GGUF file the session was opened from, as given to <see cref="Open"/> (made absolute).</summary>
    public string ModelPath { get; }
    /// <summary>The threads llama.cpp was given for this context.</summary>
    public ThreadPlan Threads { get; }
    public int NLayer => Info.BlockCount;
    public int NEmbd => Context.EmbeddingSize;
    public int NVocab => Context.Vocab.Count;

    private readonly List<int> _cached = [];

    /// <summary>The tokens whose K/V sequence 0 of <see cref="Context"/> holds, in order from position 0, as recorded by
    /// the generator (<see cref="Generation.EarlyExitGenerator.Continue"/>); empty when unknown. Code that decodes on
    /// <see cref="Context"/> itself must call <see cref="ClearMemory"/> first, so this never names cells that changed.</summary>
    public IReadOnlyList<int> CachedTokens => _cached;

    /// <summary>Empties the context's KV cache (every sequence) and the record of <see cref="CachedTokens"/>.</summary>
    public void ClearMemory()
    {
        _cached.Clear();
        Context.NativeHandle.MemoryClear();
    }

    /// <summary>Records that sequence 0 holds exactly <paramref name="tokens"/> from position 0 (empty: unknown).</summary>
    internal void RecordCached(IEnumerable<int> tokens)
    {
        _cached.Clear();
        _cached.AddRange(tokens);
    }

    private ModelSession(string modelPath, Models.ModelInfo info, LLamaWeights weights, LLamaContext context, SessionOptions options, ThreadPlan threads)
    {
        ModelPath = Path.GetFullPath(modelPath);
        Info = info;
        Threads = threads;
        Weights = weights;
        Context = context;
        Options = options;
    }

    /// <exception cref="Gguf.GgufFormatException">not a readable GGUF model</exception>
    /// <exception cref="MemoryRequestTooLargeException">the model and context cannot fit the memory available</exception>
    /// <exception cref="InvalidOperationException">llama.cpp could not load it</exception>
    /// <exception cref="NoGpuException"><see cref="ModelPlacement.GpuLayers"/> asks for a count of layers where no offload device is</exception>
    public static ModelSession Open(string modelPath, SessionOptions options)
    {
        options = SessionDefaults.Apply(options);
        var file = Gguf.GgufFile.Read(modelPath);
        var info = Models.ModelInfo.FromGguf(file);
        int offloaded = ModelPlacement.ResolvedLayerCount();
        if (offloaded == 0)
            MemoryEstimate.EnsureFits(file, options); // of this machine's memory: offloaded weights live on the GPU or the servers
        if (KvCacheFit.Problem(file, options.CacheTypeK, options.CacheTypeV) is { } misfit)
            throw new ContextRefusedException($"{Path.GetFileName(modelPath)}: {misfit}");
        if (!info.HasTensors)
        {
            throw new Gguf.GgufFormatException(Path.GetFileName(modelPath), "holds no tensors (a vocabulary-only file cannot run)");
        }
        NativeBackend.Initialize();
        var threads = ThreadPlan.For(file.FileSize - file.DataOffset, options.Threads, CpuBudget.Current());
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = (uint)options.ContextSize,
            BatchSize = (uint)options.ContextSize,
            UBatchSize = (uint)Math.Min(options.ContextSize, 512),
            SeqMax = (uint)options.SequenceCount,
            KVUnified = true,
            Threads = threads.Decode,
            BatchThreads = threads.Batch,
            FlashAttention = options.UsesFlashAttention,
            TypeK = options.CacheTypeK is { } k ? (LLama.Native.GGMLType)(int)k : null,
            TypeV = options.CacheTypeV is { } v ? (LLama.Native.GGMLType)(int)v : null,
        };
        ModelPlacement.Apply(parameters, offloaded);
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
        }
        catch (Exception e) when (e is LLama.Exceptions.LoadWeightsFailedException or LLama.Exceptions.RuntimeError)
        {
            throw new InvalidOperationException($"llama.cpp could not load {Path.GetFileName(modelPath)}: {e.Message}", e);
        }
        try
        {
            var context = weights.CreateContext(parameters);
            if (context.NativeHandle.IsInvalid)
            {
                // LLamaSharp hands back an empty handle when llama_init_from_model returns null
                context.Dispose();
                throw new ContextRefusedException(Refusal(modelPath, options, "llama_init_from_model returned no context"));
            }
            return new ModelSession(modelPath, info, weights, context, options, threads);
        }
        catch (LLama.Exceptions.RuntimeError e)
        {
            weights.Dispose();
            throw new ContextRefusedException(Refusal(modelPath, options, e.Message));
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    private static string Refusal(string modelPath, SessionOptions options, string why) =>
        $"llama.cpp could not create a context for {Path.GetFileName(modelPath)} with K cache {options.CacheTypeK?.ToString() ?? "F16"} and V cache {options.CacheTypeV?.ToString() ?? "F16"} ({why}); a quantised cache needs K and V rows that are whole blocks of its type";

    /// <summary>Token ids of <paramref name="text"/> with the model's BOS (when it adds one).</summary>
    public int[] Tokenize(string text) => Context.Tokenize(text, addBos: true, special: false).Select(t => (int)t).ToArray();

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Info.FileName} ({Info.Architecture}, {NLayer} blocks, n_embd {NEmbd}, vocab {NVocab})");

    public void Dispose()
    {
        Context.Dispose();
        Weights.Dispose();
    }
}
