using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Generation;
using CoupleGen.Imaging;
using CoupleGen.Training;
using CoupleGen.Weights;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit;
using Xunit.Abstractions;

namespace CoupleGen.Tests.Robustness;

/// <summary>
/// Inputs generated here, hundreds of them: every malformed image, weight file and checkpoint must
/// end in a typed CoupleGen exception naming the file (or load correctly), quickly, with no crash.
/// </summary>
[Trait("Category", "Unit")]
public class MalformedInputCorpusTests
{
    private static readonly string[] ImageExtensions = { ".png", ".jpg", ".bmp", ".gif", ".tga", ".webp", ".tiff" };
    private readonly ITestOutputHelper output;

    public MalformedInputCorpusTests(ITestOutputHelper output) => this.output = output;

    public static IEnumerable<(string Name, byte[] Bytes)> MalformedImages()
    {
        using var face = new SyntheticCoupleDataset(1, 48).GetPair(0).A;
        foreach (string extension in ImageExtensions)
        {
            byte[] valid = Encode(face, extension);
            yield return ($"empty{extension}", Array.Empty<byte>());
            foreach (int length in new[] { 1, 4, 8, 16, 33, valid.Length / 4, valid.Length / 2, valid.Length * 3 / 4, valid.Length - 5 })
            {
                yield return ($"truncated-{length}{extension}", valid.AsSpan(0, Math.Max(0, length)).ToArray());
            }

            var random = new Random(extension.Length * 7919);
            for (int seed = 0; seed < 4; seed++)
            {
                byte[] noise = new byte[random.Next(16, 4096)];
                random.NextBytes(noise);
                valid.AsSpan(0, Math.Min(8, valid.Length)).CopyTo(noise);
                yield return ($"magic-then-noise-{seed}{extension}", noise);
            }

            byte[] pureNoise = new byte[777];
            random.NextBytes(pureNoise);
            yield return ($"noise{extension}", pureNoise);
        }

        yield return ("huge-declared.png", PngWithDeclaredSize(100_000, 100_000));
        yield return ("huge-declared-2.png", PngWithDeclaredSize(int.MaxValue, 2));
        yield return ("zero-declared.png", PngWithDeclaredSize(0, 0));
        yield return ("huge-declared.bmp", BmpWithDeclaredSize(60_000, 60_000));
        yield return ("huge-declared.gif", GifWithDeclaredSize(65_535, 65_535));
        yield return ("text.jpg", "this is not a jpeg"u8.ToArray());
    }

    [Fact]
    public void MalformedImagesGiveTypedExceptionsNamingTheFileQuickly()
    {
        string folder = TestData.NewFolder();
        int count = 0, refused = 0;
        var clock = Stopwatch.StartNew();
        foreach (var (name, bytes) in MalformedImages())
        {
            string path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            var started = clock.Elapsed;
            try
            {
                using var image = ImageFiles.Load(path, maxPixels: 16L * 1024 * 1024);
                Assert.True(image.Width > 0 && image.Height > 0);
                output.WriteLine($"decoded without error: {name}");
            }
            catch (InvalidImageException ex)
            {
                Assert.Equal(path, ex.Path);
                Assert.Contains(path, ex.Message, StringComparison.Ordinal);
                refused++;
            }

            Assert.True(clock.Elapsed - started < TimeSpan.FromSeconds(5), $"{name} took {clock.Elapsed - started}");
            count++;
        }

        output.WriteLine($"{count} malformed images, {refused} refused, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(count >= 90, $"only {count} malformed images were generated");
        // A cut inside trailing metadata (after all pixel data) leaves a complete image; at most two such cases.
        Assert.True(refused >= count - 2, $"{count - refused} malformed images decoded without error");
    }

    [Fact]
    public void DecompressionBombsAreRefusedFromTheHeaderWithoutAllocating()
    {
        string path = Path.Combine(TestData.NewFolder(), "bomb.png");
        File.WriteAllBytes(path, PngWithDeclaredSize(100_000, 100_000));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidImageException>(() => ImageFiles.Load(path));
        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the declared size was allocated");
    }

    [Fact]
    public void FilesAboveTheSizeLimitAreRefusedBeforeReading()
    {
        string path = Path.Combine(TestData.NewFolder(), "big.png");
        new Image<Rgb24>(64, 64).SaveAsPng(path);
        var error = Assert.Throws<InvalidImageException>(() => ImageFiles.Load(path, maxFileBytes: 10));
        Assert.Contains("bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FormatsOutsideTheAcceptedListAreRefused()
    {
        string path = Path.Combine(TestData.NewFolder(), "face.bmp");
        new Image<Rgb24>(16, 16).SaveAsBmp(path);
        var error = Assert.Throws<InvalidImageException>(() => ImageFiles.Load(path, ImageFiles.DefaultMaxPixels, ImageFiles.DefaultMaxFileBytes, new[] { "PNG", "JPEG" }));
        Assert.Contains("BMP", error.Message, StringComparison.Ordinal);
        using var accepted = ImageFiles.Load(path, ImageFiles.DefaultMaxPixels, ImageFiles.DefaultMaxFileBytes, new[] { "bmp" });
    }

    [Fact]
    public void CheckpointsWithNonFiniteWeightsOrInvalidOptionsAreRefused()
    {
        string folder = TestData.NewFolder();
        string path = Path.Combine(folder, "nan.ckpt");
        using (var trainer = new Pix2PixTrainer(TestData.TinyOptions()))
        {
            using (TorchSharp.torch.no_grad())
            {
                trainer.Generator.parameters().First().fill_(float.PositiveInfinity);
            }

            trainer.SaveCheckpoint(path);
        }

        Assert.Contains("infinite", Assert.Throws<CheckpointException>(() => PartnerGenerator.FromCheckpoint(path)).Message, StringComparison.Ordinal);

        string options = Path.Combine(folder, "options.ckpt");
        TestData.SaveTinyCheckpoint(options);
        using (var zip = System.IO.Compression.ZipFile.Open(options, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("checkpoint.json")!;
            string json;
            using (var reader = new StreamReader(entry.Open()))
            {
                json = reader.ReadToEnd();
            }

            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("checkpoint.json").Open());
            writer.Write(json.Replace("\"ImageSize\": 32", "\"ImageSize\": 48", StringComparison.Ordinal));
        }

        var error = Assert.Throws<CheckpointException>(() => PartnerGenerator.FromCheckpoint(options));
        Assert.Contains("options are invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidButUnusualImagesAreHandledCorrectly()
    {
        string folder = TestData.NewFolder();
        var cases = new List<(string Name, Action<string> Write, Action<Image<Rgb24>> Check)>
        {
            ("grey.png", p => new Image<L8>(20, 10, new L8(200)).SaveAsPng(p), i => Assert.Equal(new Rgb24(200, 200, 200), i[3, 3])),
            ("grey16.png", p => new Image<L16>(20, 10, new L16(65535)).SaveAsPng(p), i => Assert.Equal(new Rgb24(255, 255, 255), i[3, 3])),
            ("rgb48.png", p => new Image<Rgb48>(20, 10, new Rgb48(65535, 0, 0)).SaveAsPng(p), i => Assert.Equal(new Rgb24(255, 0, 0), i[3, 3])),
            ("alpha.png", p => new Image<Rgba32>(20, 10, new Rgba32(0, 255, 0, 128)).SaveAsPng(p), i => Assert.Equal(255, i[3, 3].G)),
            ("animated.gif", WriteAnimatedGif, i => Assert.Equal(new Size(20, 10), i.Size())),
            ("rotated.jpg", WriteExifRotatedJpeg, i => Assert.Equal(new Size(10, 20), i.Size())),
            ("png-named.jpg", p => File.WriteAllBytes(p, Encode(new Image<Rgb24>(20, 10, new Rgb24(9, 9, 9)), ".png")), i => Assert.Equal(new Rgb24(9, 9, 9), i[1, 1])),
            ("cmyk.jpg", p => File.Copy(Fixtures.PathOf("cmyk.jpg"), p), i =>
            {
                Assert.Equal(new Size(24, 16), i.Size());
                Assert.True(i[3, 8].R < 60 && i[3, 8].G > 150 && i[3, 8].B > 150, $"cyan expected, got {i[3, 8]}");
                Assert.True(i[20, 8].G < 60 && i[20, 8].R > 150 && i[20, 8].B > 150, $"magenta expected, got {i[20, 8]}");
            }),
        };
        foreach (var (name, write, check) in cases)
        {
            string path = Path.Combine(folder, name);
            write(path);
            using var image = ImageFiles.Load(path);
            check(image);
        }
    }

    [Fact]
    public void MalformedWeightFilesGiveTypedExceptions()
    {
        string folder = TestData.NewFolder();
        int count = 0;
        foreach (string fixture in new[] { "vgg_narrow.pth", "vgg_narrow_legacy.pth", "vgg_narrow.safetensors", "vgg_narrow_tf.npy", "vgg_narrow.onnx", "tiny_unet_batch.pth", "tiny_patchgan_legacy.pth" })
        {
            byte[] valid = File.ReadAllBytes(Fixtures.PathOf(fixture));
            var random = new Random(fixture.Length);
            var variants = new List<(string Name, byte[] Bytes)>();
            foreach (double fraction in new[] { 0.0, 0.001, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99 })
            {
                variants.Add(($"cut{fraction}", valid.AsSpan(0, (int)(valid.Length * fraction)).ToArray()));
            }

            for (int flip = 0; flip < 12; flip++)
            {
                byte[] copy = (byte[])valid.Clone();
                int at = random.Next(Math.Min(copy.Length, 2048));
                copy[at] ^= (byte)(1 << random.Next(8));
                variants.Add(($"flip{flip}-{at}", copy));
            }

            foreach (var (name, bytes) in variants)
            {
                string path = Path.Combine(folder, name + "-" + fixture);
                File.WriteAllBytes(path, bytes);
                try
                {
                    using var loaded = WeightFile.Load(path);
                }
                catch (InvalidWeightsException ex)
                {
                    Assert.Equal(path, ex.Path);
                }

                count++;
            }
        }

        output.WriteLine($"{count} malformed weight files");
        Assert.True(count >= 140);
    }

    [Fact]
    public void MalformedCheckpointsGiveTypedExceptions()
    {
        string folder = TestData.NewFolder();
        string valid = Path.Combine(folder, "valid.ckpt");
        TestData.SaveTinyCheckpoint(valid);

        byte[] bytes = File.ReadAllBytes(valid);
        var random = new Random(5);
        int count = 0;
        for (int i = 0; i < 30; i++)
        {
            byte[] variant = i < 15 ? bytes.AsSpan(0, random.Next(bytes.Length)).ToArray() : Flip(bytes, random);
            string path = Path.Combine(folder, $"bad-{i}.ckpt");
            File.WriteAllBytes(path, variant);
            try
            {
                using var generator = PartnerGenerator.FromCheckpoint(path, new PartnerGeneratorOptions { Device = TorchSharp.torch.CPU });
            }
            catch (CheckpointException ex)
            {
                Assert.Equal(path, ex.Path);
            }

            count++;
        }

        Assert.Equal(30, count);
    }

    [Fact]
    public void UnreadablePairsFailOrAreSkippedAsConfigured()
    {
        string folder = TestData.NewFolder();
        var synthetic = new SyntheticCoupleDataset(3, 32);
        for (int i = 0; i < 3; i++)
        {
            using var pair = synthetic.GetPair(i);
            using var both = new Image<Rgb24>(64, 32);
            both.Mutate(x => x.DrawImage(pair.A, new Point(0, 0), 1f).DrawImage(pair.B, new Point(32, 0), 1f));
            both.SaveAsPng(Path.Combine(folder, $"{i}.png"));
        }

        File.WriteAllBytes(Path.Combine(folder, "3.png"), new byte[] { 0x89, 0x50, 0x4e, 0x47 });
        var dataset = PairedImageDataset.FromDirectory(folder);
        using (var failing = new Pix2PixTrainer(TestData.TinyOptions() with { BatchSize = 2, MaxSteps = 4 }))
        {
            Assert.Throws<InvalidImageException>(() => failing.Train(dataset));
        }

        using var skipping = new Pix2PixTrainer(TestData.TinyOptions() with { BatchSize = 2, MaxSteps = 4, UnreadablePairs = UnreadablePairPolicy.Skip });
        skipping.Train(dataset);
        Assert.Equal(4, skipping.Step);
        Assert.Equal(2, skipping.SkippedPairs);
    }

    private static byte[] Flip(byte[] bytes, Random random)
    {
        byte[] copy = (byte[])bytes.Clone();
        int at = random.Next(copy.Length);
        copy[at] ^= 0xff;
        return copy;
    }

    private static byte[] Encode(Image image, string extension)
    {
        var stream = new MemoryStream();
        var format = Configuration.Default.ImageFormatsManager.FindFormatByFileExtension(extension.TrimStart('.'))!;
        image.Save(stream, Configuration.Default.ImageFormatsManager.FindEncoder(format));
        return stream.ToArray();
    }

    internal static byte[] PngWithDeclaredSize(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        var stream = new MemoryStream();
        stream.Write(new byte[] { 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a });
        WriteChunk(stream, "IHDR", ihdr);
        WriteChunk(stream, "IDAT", new byte[] { 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 });
        WriteChunk(stream, "IEND", Array.Empty<byte>());
        return stream.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        byte[] typeAndData = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        stream.Write(crc);
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xffffffff;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xedb88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] BmpWithDeclaredSize(int width, int height)
    {
        var bmp = new byte[54 + 16];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        return bmp;
    }

    private static byte[] GifWithDeclaredSize(int width, int height)
    {
        var gif = new List<byte>("GIF89a"u8.ToArray());
        gif.AddRange(BitConverter.GetBytes((ushort)width));
        gif.AddRange(BitConverter.GetBytes((ushort)height));
        gif.AddRange(new byte[] { 0, 0, 0 });
        gif.Add(0x2c);
        gif.AddRange(new byte[] { 0, 0, 0, 0 });
        gif.AddRange(BitConverter.GetBytes((ushort)width));
        gif.AddRange(BitConverter.GetBytes((ushort)height));
        gif.AddRange(new byte[] { 0, 2, 2, 0x4c, 0x01, 0, 0x3b });
        return gif.ToArray();
    }

    private static void WriteAnimatedGif(string path)
    {
        using var gif = new Image<Rgba32>(20, 10, new Rgba32(255, 0, 0, 255));
        using var second = new Image<Rgba32>(20, 10, new Rgba32(0, 0, 255, 255));
        gif.Frames.AddFrame(second.Frames.RootFrame);
        gif.SaveAsGif(path);
    }

    private static void WriteExifRotatedJpeg(string path)
    {
        using var image = new Image<Rgb24>(20, 10, new Rgb24(10, 200, 10));
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        image.SaveAsJpeg(path);
    }
}
