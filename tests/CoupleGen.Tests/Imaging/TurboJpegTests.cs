using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using CoupleGen.Imaging;
using CoupleGen.Native;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit;

namespace CoupleGen.Tests.Imaging;

/// <summary>Needs libjpeg-turbo's TurboJPEG library (Debian: libturbojpeg0), which .ci/run installs.</summary>
[Trait("Category", "Unit")]
public class TurboJpegTests
{
    [Fact]
    public void JpegsAreDecodedByTheSystemsTurboJpeg()
    {
        Assert.True(CoupleGenRuntime.NativeJpegDecoder is not null, "libturbojpeg was not found: sudo apt-get install libturbojpeg0");
    }

    [Theory]
    [InlineData("Faces/grace_hopper_512x512.jpg", false)]
    [InlineData("Faces/astronaut.png", false)]
    [InlineData("Faces/astronaut.png", true)]
    public void PhotosLoadNativelyWithinThreeLevelsOfImageSharp(string fixture, bool grayscale)
    {
        string path = AsJpeg(fixture, grayscale);
        using Image<Rgb24> loaded = ImageFiles.Load(path);
        using Image<Rgb24> imageSharp = Image.Load<Rgb24>(path);
        byte[] jpeg = File.ReadAllBytes(path);
        using Image<Rgb24>? native = TurboJpeg.TryDecode(jpeg, jpeg.Length, imageSharp.Width, imageSharp.Height);

        Assert.NotNull(native);
        Assert.True(native.DangerousTryGetSinglePixelMemory(out _), "decoded straight into the image's one block");
        Assert.Equal(TestData.Pixels(native), TestData.Pixels(loaded));
        (int max, double mean) = Difference(TestData.Pixels(loaded), TestData.Pixels(imageSharp));
        Assert.InRange(max, grayscale ? 0 : 1, 3); // colour photos differ a little, which shows which decoder ran
        Assert.True(mean < 0.1, $"mean difference {mean:F3}");
    }

    [Fact]
    public void LargePhotosWhoseImagesAreNotOneBlockDecodeTheSame()
    {
        using Image<Rgb24> photo = Image.Load<Rgb24>(Fixtures.PathOf("Faces/astronaut.png"));
        photo.Mutate(x => x.Resize(3000, 2000));
        string path = Path.Combine(TestData.NewFolder(), "large.jpg");
        photo.SaveAsJpeg(path, new JpegEncoder { Quality = 90 });
        byte[] jpeg = File.ReadAllBytes(path);

        using Image<Rgb24>? native = TurboJpeg.TryDecode(jpeg, jpeg.Length, 3000, 2000);
        using Image<Rgb24> imageSharp = Image.Load<Rgb24>(path);

        Assert.NotNull(native);
        Assert.False(native.DangerousTryGetSinglePixelMemory(out _), "ImageSharp splits an image this large, so the decoder's staging path ran");
        Assert.InRange(Difference(TestData.Pixels(native), TestData.Pixels(imageSharp)).Max, 1, 3);
    }

    [Fact]
    public void ExifOrientationAndProfilesAreKept()
    {
        using Image<Rgb24> photo = Image.Load<Rgb24>(Fixtures.PathOf("Faces/astronaut.png"));
        photo.Mutate(x => x.Resize(64, 32));
        photo.Metadata.ExifProfile = new ExifProfile();
        photo.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6); // rotate 90 degrees clockwise to view
        photo.Metadata.ExifProfile.SetValue(ExifTag.Artist, "CoupleGen");
        string path = Path.Combine(TestData.NewFolder(), "rotated.jpg");
        photo.SaveAsJpeg(path, new JpegEncoder { Quality = 95 });

        using Image<Rgb24> loaded = ImageFiles.Load(path);
        using Image<Rgb24> imageSharp = Image.Load<Rgb24>(path);
        imageSharp.Mutate(x => x.AutoOrient());

        Assert.Equal((32, 64), (loaded.Width, loaded.Height));
        Assert.Equal("CoupleGen", loaded.Metadata.ExifProfile?.GetValue(ExifTag.Artist)?.Value);
        Assert.InRange(Difference(TestData.Pixels(loaded), TestData.Pixels(imageSharp)).Max, 0, 3);
    }

    [Fact]
    public void CmykAndDamagedJpegsAreLeftToImageSharp()
    {
        byte[] cmyk = File.ReadAllBytes(Fixtures.PathOf("cmyk.jpg"));
        using Image<Rgb24> cmykImage = Image.Load<Rgb24>(cmyk);
        Assert.Null(TurboJpeg.TryDecode(cmyk, cmyk.Length, cmykImage.Width, cmykImage.Height));
        using Image<Rgb24> loaded = ImageFiles.Load(Fixtures.PathOf("cmyk.jpg"));
        Assert.Equal(TestData.Pixels(cmykImage), TestData.Pixels(loaded));

        byte[] jpeg = File.ReadAllBytes(AsJpeg("Faces/astronaut.png"));
        byte[] damaged = (byte[])jpeg.Clone();
        damaged.AsSpan(damaged.Length / 2, 64).Fill(0xFF);
        Assert.Null(TurboJpeg.TryDecode(damaged, damaged.Length, 512, 512));
        Assert.Null(TurboJpeg.TryDecode(jpeg, jpeg.Length, 511, 512)); // not the size the header check read
    }

    [Fact]
    public void ThreadsDecodeAtOnceWithTheSameResult()
    {
        byte[] jpeg = File.ReadAllBytes(AsJpeg("Faces/astronaut.png"));
        using Image<Rgb24> reference = TurboJpeg.TryDecode(jpeg, jpeg.Length, 512, 512)!;
        byte[] expected = TestData.Pixels(reference);
        bool[] same = new bool[16];
        Parallel.For(0, same.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using Image<Rgb24> image = TurboJpeg.TryDecode(jpeg, jpeg.Length, 512, 512)!;
            same[i] = TestData.Pixels(image).AsSpan().SequenceEqual(expected);
        });
        Assert.All(same, Assert.True);
    }

    private static string AsJpeg(string fixture, bool grayscale = false)
    {
        string source = Fixtures.PathOf(fixture);
        if (source.EndsWith(".jpg", StringComparison.Ordinal) && !grayscale)
        {
            return source;
        }

        string path = Path.Combine(TestData.NewFolder(), Path.GetFileNameWithoutExtension(fixture) + ".jpg");
        using Image<Rgb24> image = Image.Load<Rgb24>(source);
        image.SaveAsJpeg(path, new JpegEncoder { Quality = 90, ColorType = grayscale ? JpegColorType.Luminance : null });
        return path;
    }

    private static (int Max, double Mean) Difference(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        int[] differences = a.Zip(b, (x, y) => Math.Abs(x - y)).ToArray();
        return (differences.Max(), differences.Average());
    }
}
