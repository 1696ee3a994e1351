namespace LlamaJump.Tests.Native.Shortcuts;

/// <summary>The training and scoring tests run alone, not beside other test classes: determinism is asserted bit for
/// bit, and other tests change libtorch's process-wide thread count, which changes how reductions are split.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "TorchSharp training";
}
