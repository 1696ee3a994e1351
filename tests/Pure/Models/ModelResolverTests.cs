using AwesomeAssertions;
using LlamaJump.Models;
using Xunit;

namespace LlamaJump.Tests.Pure.Models;

public sealed class ModelResolverTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _home;
    private readonly string _homeModels;
    private readonly string _env1;
    private readonly string _env2;
    private readonly string _shared;
    private readonly string _cwd;

    public ModelResolverTests()
    {
        _home = _temp.Dir("repo");
        _homeModels = _temp.Dir("repo/models/gguf");
        _env1 = _temp.Dir("env1");
        _env2 = _temp.Dir("env2");
        _shared = _temp.Dir("shared/models/gguf");
        _cwd = _temp.Dir("cwd");
    }

    public void Dispose() => _temp.Dispose();

    private ModelResolver Resolver(string? env = null) => new(_home, env ?? $"{_env1}:{_env2}", _cwd);

    [Fact]
    public void SearchDirectoriesAreHomeThenEnvironmentThenShared()
    {
        Resolver().SearchDirectories.Should().Equal(_homeModels, _env1, _env2, _shared);
    }

    [Fact]
    public void SearchDirectoriesSkipMissingOnesAndDuplicates()
    {
        string missing = Path.Combine(_temp.Root, "missing");

        Resolver($"{_env2}:{missing}::{_homeModels}/:../env2:{_env1}").SearchDirectories
            .Should().Equal(_homeModels, _env2, _env1, _shared);
    }

    [Fact]
    public void AnExistingPathIsUsedAsItIs()
    {
        string absolute = _temp.File("elsewhere/m.gguf");
        string relative = _temp.File("cwd/local.gguf");

        Resolver().Resolve(absolute).Should().Be(absolute);
        Resolver().Resolve("local.gguf").Should().Be(relative);
        Resolver().Resolve("../elsewhere/m.gguf").Should().Be(absolute);
    }

    [Fact]
    public void APathRelativeToTheCurrentDirectoryBeatsANameInTheSearchDirectories()
    {
        string local = _temp.File("cwd/stories260K.gguf");
        _temp.File("repo/models/gguf/stories260K.gguf");

        Resolver().Resolve("stories260K.gguf").Should().Be(local);
    }

    [Fact]
    public void ANameMatchesExactlyOrWithTheGgufSuffix()
    {
        string model = _temp.File("shared/models/gguf/stories260K.gguf");
        string noSuffix = _temp.File("env2/plain");

        Resolver().Resolve("stories260K.gguf").Should().Be(model);
        Resolver().Resolve("stories260K").Should().Be(model);
        Resolver().Resolve("plain").Should().Be(noSuffix);
    }

    [Fact]
    public void TheFirstDirectoryInSearchOrderWins()
    {
        string inShared = _temp.File("shared/models/gguf/m.gguf");
        Resolver().Resolve("m").Should().Be(inShared);

        string inEnv2 = _temp.File("env2/m.gguf");
        Resolver().Resolve("m").Should().Be(inEnv2);

        string inEnv1 = _temp.File("env1/m.gguf");
        Resolver().Resolve("m").Should().Be(inEnv1);
        Resolver($"{_env2}:{_env1}").Resolve("m").Should().Be(inEnv2);

        string inHome = _temp.File("repo/models/gguf/m.gguf");
        Resolver().Resolve("m").Should().Be(inHome);
    }

    [Fact]
    public void AMissingModelListsEveryDirectorySearched()
    {
        string missing = Path.Combine(_temp.Root, "missing");

        FluentActions.Invoking(() => Resolver($"{_env1}:{missing}").Resolve("missing.gguf"))
            .Should().Throw<ModelNotFoundException>()
            .WithMessage($"model 'missing.gguf' not found (looked in: {_homeModels}, {_env1}, {missing}, {_shared})")
            .Which.LookedIn.Should().Equal(_homeModels, _env1, missing, _shared);
    }

    [Fact]
    public void ADirectoryIsNotAModel()
    {
        _temp.Dir("repo/models/gguf/dir.gguf");

        FluentActions.Invoking(() => Resolver().Resolve("dir")).Should().Throw<ModelNotFoundException>();
    }

    [Fact]
    public void EnumeratingListsGgufFilesInSearchOrderAndTheFirstOfEachName()
    {
        string b = _temp.File("repo/models/gguf/b.gguf");
        string a = _temp.File("repo/models/gguf/a.gguf");
        _temp.File("repo/models/gguf/notes.txt");
        _temp.File("env1/a.gguf");
        string c = _temp.File("env1/c.gguf");
        string z = _temp.File("env2/z.gguf");
        _temp.File("shared/models/gguf/b.gguf");
        string shared = _temp.File("shared/models/gguf/stories260K.gguf");

        Resolver().EnumerateModelFiles().Should().Equal(a, b, c, z, shared);
    }

    [Fact]
    public void HomeComesFromTheEnvironmentFirst()
    {
        ModelResolver.LocateHome(_home, "/nowhere", _cwd).Should().Be(_home);
        ModelResolver.LocateHome("../repo", "/nowhere", _cwd).Should().Be(_home);
    }

    [Fact]
    public void HomeIsTheNearestDirectoryWithTheSolution()
    {
        _temp.File("repo/LlamaJump.sln");
        string bin = _temp.Dir("repo/src/Cli/bin/Release/net10.0");

        ModelResolver.LocateHome(null, bin, _cwd).Should().Be(_home);
        ModelResolver.LocateHome("", bin + Path.DirectorySeparatorChar, _cwd).Should().Be(_home);
    }

    [Fact]
    public void WithoutASolutionHomeIsTheCurrentDirectory()
    {
        ModelResolver.LocateHome(null, _temp.Dir("bin"), _cwd).Should().Be(_cwd);
    }

    [Fact]
    public void TheDefaultModelIsTheSharedStoriesModel()
    {
        string home = ModelResolver.LocateHome(null, AppContext.BaseDirectory, Environment.CurrentDirectory);

        string path = new ModelResolver(home, null, home).Resolve(ModelResolver.DefaultModelName);

        Path.GetFileName(path).Should().Be("stories260K.gguf");
    }
}
