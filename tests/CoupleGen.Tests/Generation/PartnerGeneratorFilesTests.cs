using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Generation;
using CoupleGen.Tests.Training;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Generation;

/// <summary><see cref="PartnerGenerator.GenerateFiles"/>: many files through the read / forward / write pipeline.</summary>
[Trait("Category", "Unit")]
public sealed class PartnerGeneratorFilesTests : TinyGeneratorTests
{
    private static readonly PartnerGeneratorOptions BatchesOfTwo = new() { MaxBatchSize = 2 };

    [Fact]
    public void EveryFileGetsWhatASingleFileCallWrites()
    {
        using var generator = FromTrainer(BatchesOfTwo);
        var files = Faces(5);
        var reported = new ConcurrentBag<FileGenerationResult>();

        var results = generator.GenerateFiles(files, new SynchronousProgress<FileGenerationResult>(reported.Add));

        Assert.Equal(files.Select(f => f.InputPath), results.Select(r => r.InputPath));
        Assert.All(results, result => Assert.True(result.Succeeded, result.Error?.Message));
        Assert.Equal(5, reported.Count);
        foreach (var (input, output) in files)
        {
            string single = Path.Combine(Folder, "single.png");
            generator.Generate(input, single);
            Assert.Equal(Pixels(single), Pixels(output));
        }

        Assert.Empty(Directory.GetFiles(Folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void ABadFileFailsAloneWithATypedErrorNamingIt()
    {
        using var generator = FromTrainer(BatchesOfTwo);
        var files = Faces(4);
        string corrupt = Path.Combine(Folder, "corrupt.png");
        File.WriteAllBytes(corrupt, new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0, 13, 1, 2 });
        string missing = Path.Combine(Folder, "missing.jpg");
        files.Insert(1, (corrupt, Path.Combine(Folder, "corrupt.partner.png")));
        files.Insert(3, (missing, Path.Combine(Folder, "missing.partner.png")));
        files.Add((files[0].InputPath, Path.Combine(Folder, "partner.unknown")));

        var results = generator.GenerateFiles(files);

        Assert.Equal(corrupt, Assert.IsType<InvalidImageException>(results[1].Error).Path);
        Assert.Equal(missing, Assert.IsType<InvalidImageException>(results[3].Error).Path);
        Assert.IsType<InvalidImageException>(results[6].Error);
        foreach (int failed in new[] { 1, 3, 6 })
        {
            Assert.False(File.Exists(files[failed].OutputPath));
        }

        foreach (int written in new[] { 0, 2, 4, 5 })
        {
            Assert.True(results[written].Succeeded, results[written].Error?.Message);
            using var partner = Image.Load<Rgb24>(files[written].OutputPath);
            Assert.Equal(32, partner.Width);
        }
    }

    [Fact]
    public void CancellingStopsTheRunAndLeavesOnlyWholeFiles()
    {
        using var generator = FromTrainer(BatchesOfTwo);
        var files = Faces(12);
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<FileGenerationResult>(_ => cancel.Cancel());

        Assert.ThrowsAny<OperationCanceledException>(() => _ = generator.GenerateFiles(files, progress, cancel.Token));

        var written = files.Where(f => File.Exists(f.OutputPath)).ToList();
        Assert.InRange(written.Count, 1, files.Count - 1);
        foreach (var (_, output) in written)
        {
            using var partner = Image.Load<Rgb24>(output);
            Assert.Equal(32, partner.Height);
        }

        Assert.Empty(Directory.GetFiles(Folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void AThrowingProgressHandlerStopsTheRunWithItsException()
    {
        using var generator = FromTrainer(BatchesOfTwo);
        var progress = new SynchronousProgress<FileGenerationResult>(_ => throw new InvalidOperationException("handler failed"));
        var error = Assert.Throws<InvalidOperationException>(() => _ = generator.GenerateFiles(Faces(6), progress));
        Assert.Equal("handler failed", error.Message);
    }

    [Fact]
    public void RepeatedRunsLeaveNoLiveTensors()
    {
        using var generator = FromTrainer(BatchesOfTwo);
        var files = Faces(5);
        generator.GenerateFiles(files);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++)
        {
            generator.GenerateFiles(files);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void EmptyPathsAreRefusedBeforeAnyWork()
    {
        using var generator = FromTrainer(BatchesOfTwo);
        Assert.Empty(generator.GenerateFiles(Array.Empty<(string, string)>()));
        Assert.Throws<ArgumentException>(() => _ = generator.GenerateFiles(new[] { ("a.png", "") }));
    }

    /// <summary>Writes <paramref name="count"/> synthetic faces as JPEGs (48x48, so they are resized) and names their partners.</summary>
    private List<(string InputPath, string OutputPath)> Faces(int count)
    {
        var dataset = new SyntheticCoupleDataset(count, 48);
        var files = new List<(string InputPath, string OutputPath)>();
        for (int i = 0; i < count; i++)
        {
            using var pair = dataset.GetPair(i);
            string input = Path.Combine(Folder, $"face-{i}.jpg");
            pair.A.SaveAsJpeg(input);
            files.Add((input, Path.Combine(Folder, "out", $"face-{i}.partner.png")));
        }

        return files;
    }
}
