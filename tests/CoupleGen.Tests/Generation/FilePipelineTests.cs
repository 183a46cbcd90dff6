using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using CoupleGen.Errors;
using CoupleGen.Generation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace CoupleGen.Tests.Generation;

/// <summary>The read / forward / write stages themselves, with stand-in stages: faults of the run surface as themselves.</summary>
[Trait("Category", "Unit")]
public class FilePipelineTests
{
    private static readonly (string InputPath, string OutputPath)[] Files =
        Enumerable.Range(0, 9).Select(i => ($"in-{i}", $"out-{i}")).ToArray();

    [Fact]
    public void EveryFileIsReadForwardedAndWrittenOnceInBatches()
    {
        var batches = new List<int>();
        var written = new List<string>();
        var results = Run(forward: images => { batches.Add(images.Count); return Copy(images); }, save: (_, path) => { lock (written) { written.Add(path); } });

        Assert.Equal(new[] { 4, 4, 1 }, batches);
        Assert.Equal(Files.Select(f => f.OutputPath).Order(), written.Order());
        Assert.All(results, result => Assert.True(result.Succeeded));
    }

    [Fact]
    public void FileFailuresAreResultsAndTheRestGoesOn()
    {
        var results = Run(
            prepare: path => path == "in-3" ? throw new InvalidImageException(path, "corrupt") : new Image<Rgb24>(4, 4),
            save: (_, path) => { if (path == "out-5") { throw new IOException("disk full"); } });

        Assert.Equal("in-3", Assert.IsType<InvalidImageException>(results[3].Error).Path);
        Assert.IsType<IOException>(results[5].Error);
        Assert.Equal(7, results.Count(result => result.Succeeded));
    }

    [Fact]
    public void AFaultInAnyStageStopsTheRunAndIsRethrown()
    {
        Assert.Equal("reader", Assert.Throws<InvalidOperationException>(() => Run(prepare: path => path == "in-6" ? throw new InvalidOperationException("reader") : new Image<Rgb24>(4, 4))).Message);
        Assert.Equal("forward", Assert.Throws<InvalidOperationException>(() => Run(forward: _ => throw new InvalidOperationException("forward"))).Message);
        Assert.Equal("writer", Assert.Throws<NotSupportedException>(() => Run(save: (_, _) => throw new NotSupportedException("writer"))).Message);
    }

    private static FileGenerationResult[] Run(
        Func<string, Image<Rgb24>>? prepare = null,
        Func<IReadOnlyList<Image<Rgb24>>, Image<Rgb24>[]>? forward = null,
        Action<Image<Rgb24>, string>? save = null) =>
        FilePipeline.Run(Files, batchSize: 4, prepare ?? (_ => new Image<Rgb24>(4, 4)), forward ?? Copy, save ?? ((_, _) => { }), progress: null, CancellationToken.None);

    private static Image<Rgb24>[] Copy(IReadOnlyList<Image<Rgb24>> images) => images.Select(image => image.Clone()).ToArray();
}
