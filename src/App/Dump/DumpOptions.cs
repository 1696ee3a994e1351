using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;

namespace LlamaJump.App.Dump;

/// <summary>Everything <c>llamajump dump</c> needs, validated by the verb before the job runs.</summary>
/// <param name="Sequences">sentences decoded together in one llama_decode</param>
/// <param name="MaxTokens">tokens per sentence (BOS included) kept; longer sentences are truncated and counted</param>
/// <param name="SyncSeconds">completed work is made durable (fsync) at least this often; 0 = after every batch</param>
public sealed record DumpOptions(
    string Model,
    string Corpus,
    string Out,
    int Train = 9000,
    int Test = 3000,
    PositionPolicy Position = PositionPolicy.Random,
    ulong Seed = 1,
    TensorDtype Dtype = TensorDtype.F16,
    ShardSpec? Shard = null,
    bool AllowFewer = false,
    bool Force = false,
    int Sequences = 16,
    int MaxTokens = 128,
    int? Threads = null,
    double SyncSeconds = 5);
