namespace LlamaJump.Interop.EarlyExit;

/// <summary>One exit check of a decode, as the graph computed it after candidate block <paramref name="Block"/>: the
/// largest softmax probability of head(jump(h^Block)) and the token that holds it (the first largest logit). The
/// token exits there when <paramref name="TopProbability"/> ≥ λ.</summary>
public readonly record struct ExitCheck(BlockIndex Block, float TopProbability, int Token);
