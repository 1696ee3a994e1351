using LlamaJump.Shortcuts;

namespace LlamaJump.App.Pipeline;

/// <summary><c>llamajump pipeline</c>'s options, validated by <c>PipelineVerb</c>: the model files (full
/// paths, each run into its own directory <c>Out/&lt;file stem&gt;</c>), the corpus, the dump's sentence counts and seed,
/// the λ values of the early-exit sweep and the tokens generated per prompt there, CPU threads (null: all cores),
/// whether finished steps are redone (<see cref="Force"/>) and a small corpus scales the counts down
/// (<see cref="AllowFewer"/>), and where the train step's TorchSharp computes (<see cref="Device"/>).</summary>
public sealed record PipelineOptions(
    IReadOnlyList<string> Models,
    string Corpus,
    string Out,
    int Train = 9000,
    int Test = 3000,
    bool Force = false,
    IReadOnlyList<float>? Lambdas = null,
    int Tokens = 32,
    int? Threads = null,
    bool AllowFewer = false,
    ulong Seed = 1,
    TorchDeviceChoice Device = TorchDeviceChoice.Auto)
{
    public static readonly IReadOnlyList<float> DefaultLambdas = [0.5f, 0.8f, 0.95f];

    public IReadOnlyList<float> SweepLambdas => Lambdas ?? DefaultLambdas;
}
