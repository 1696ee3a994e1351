namespace LlamaJump.Tests.Pure.Chat;

/// <summary>Terminal.Gui keeps some process-wide state (configuration, drivers): the chat's view tests run one at a time.</summary>
[CollectionDefinition(nameof(ChatCollection), DisableParallelization = true)]
public sealed class ChatCollection;
