using System;
using System.IO;
using CoupleGen.Errors;
using CoupleGen.Faces;
using CoupleGen.Generation;
using CoupleGen.Tests.Faces;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Generation;

[Trait("Category", "Unit")]
public sealed class PartnerGeneratorPortraitTests : TinyGeneratorTests
{
    [Fact]
    public void APortraitIsFramedAtImageSizeBeforeGeneration()
    {
        using var generator = FromTrainer();
        using var photo = FaceImages.Load(FaceImages.GraceHopper);
        using var result = generator.GeneratePortrait(photo);
        Assert.Equal(32, result.FramedInput.Width);
        Assert.Equal(32, result.Partner.Width);
        Assert.NotNull(result.Face);
        Assert.NotNull(result.PhotoToFrame);

        using var framer = new FaceFramer(new FaceFramingOptions { OutputSize = 32 });
        using var expected = Assert.Single(framer.Frame(photo));
        Assert.Equal(Pixels(expected.Image), Pixels(result.FramedInput));

        // The partner is what Generate makes of the framed input.
        using var partner = generator.Generate(result.FramedInput);
        Assert.Equal(Pixels(partner), Pixels(result.Partner));
    }

    [Theory]
    [InlineData(PairDirection.AToB)]
    [InlineData(PairDirection.BToA)]
    public void ACouplePortraitPutsTheInputWhereTheModelsInputHalfWas(PairDirection direction)
    {
        string checkpoint = Path.Combine(Folder, $"{direction}.ckpt");
        using (var trainer = new Pix2PixTrainer(TestData.TinyOptions() with { Direction = direction }))
        {
            trainer.SaveCheckpoint(checkpoint);
        }

        using var generator = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { Device = torch.CPU });
        using var result = generator.GeneratePortrait(FaceImages.Load(FaceImages.Astronaut));
        using Image<Rgb24> couple = result.ToCouplePortrait(faceSize: 48);
        Assert.Equal(new Size(96, 48), couple.Size());

        using var input = result.FramedInput.Clone(x => x.Resize(48, 48, KnownResamplers.Bicubic));
        using var partner = result.Partner.Clone(x => x.Resize(48, 48, KnownResamplers.Bicubic));
        using var left = couple.Clone(x => x.Crop(new Rectangle(0, 0, 48, 48)));
        using var right = couple.Clone(x => x.Crop(new Rectangle(48, 0, 48, 48)));
        bool inputOnRight = direction == PairDirection.BToA;
        Assert.Equal(Pixels(inputOnRight ? partner : input), Pixels(left));
        Assert.Equal(Pixels(inputOnRight ? input : partner), Pixels(right));
        Assert.Throws<ArgumentOutOfRangeException>(() => result.ToCouplePortrait(faceSize: 8));
    }

    [Fact]
    public void GenerateTakesInputsAsAlreadyFramedByDefault()
    {
        using var generator = FromTrainer();
        using var noFace = FaceImages.NoFace();
        using var partner = generator.Generate(noFace);
        Assert.Equal(32, partner.Width);
    }

    [Fact]
    public void APhotoWithoutAFaceIsANoFaceFoundExceptionNamingTheFileAndNothingIsWritten()
    {
        string input = Path.Combine(Folder, "gradient.png");
        using (var noFace = FaceImages.NoFace())
        {
            noFace.SaveAsPng(input);
        }

        using var generator = FromTrainer();
        string partner = Path.Combine(Folder, "partner.png");
        var error = Assert.Throws<NoFaceFoundException>(() => generator.GeneratePortrait(input, partner, Path.Combine(Folder, "framed.png")));
        Assert.Equal(input, error.Path);
        Assert.False(File.Exists(partner));

        using var always = FromTrainer(new PartnerGeneratorOptions { FaceFraming = FaceFramingMode.Always });
        error = Assert.Throws<NoFaceFoundException>(() => always.Generate(input, partner));
        Assert.Equal(input, error.Path);
        Assert.False(File.Exists(partner));
    }

    [Fact]
    public void PortraitFilesAreWrittenAndNeverModeOnlyFits()
    {
        using var generator = FromTrainer();
        string partner = Path.Combine(Folder, "partner.png");
        string framed = Path.Combine(Folder, "framed.png");
        generator.GeneratePortrait(Fixtures.PathOf(FaceImages.Astronaut), partner, framed);
        using (var written = Image.Load<Rgb24>(framed))
        {
            Assert.Equal(32, written.Width);
        }

        Assert.True(File.Exists(partner));

        using var never = FromTrainer(new PartnerGeneratorOptions { FaceFraming = FaceFramingMode.Never });
        using var result = never.GeneratePortrait(Fixtures.PathOf(FaceImages.Astronaut));
        Assert.Null(result.Face);
        Assert.Null(result.PhotoToFrame);
        Assert.Equal(32, result.FramedInput.Width);
    }

    [Fact]
    public void GenerateFilesFramesEachPhotoOnItsReaderThreadAsSingleCallsDo()
    {
        string noFace = Path.Combine(Folder, "gradient.png");
        using (var image = FaceImages.NoFace())
        {
            image.SaveAsPng(noFace);
        }

        using var always = FromTrainer(new PartnerGeneratorOptions { FaceFraming = FaceFramingMode.Always, MaxBatchSize = 2 });
        string astronaut = Fixtures.PathOf(FaceImages.Astronaut);
        var files = new[]
        {
            (astronaut, Path.Combine(Folder, "a.png")),
            (noFace, Path.Combine(Folder, "none.png")),
            (astronaut, Path.Combine(Folder, "b.png")),
        };

        var results = always.GenerateFiles(files);

        Assert.True(results[0].Succeeded && results[2].Succeeded, results[0].Error?.Message ?? results[2].Error?.Message);
        Assert.Equal(noFace, Assert.IsType<NoFaceFoundException>(results[1].Error).Path);
        Assert.False(File.Exists(Path.Combine(Folder, "none.png")));
        string single = Path.Combine(Folder, "single.png");
        always.Generate(astronaut, single);
        using var expected = Image.Load<Rgb24>(single);
        using var actual = Image.Load<Rgb24>(Path.Combine(Folder, "b.png"));
        Assert.Equal(Pixels(expected), Pixels(actual));
    }

    [Fact]
    public void OptionsRejectAnUnknownFramingMode()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartnerGeneratorOptions { FaceFraming = (FaceFramingMode)9 }.Validate());
        Assert.Throws<ArgumentNullException>(() => new PartnerGeneratorOptions { Faces = null! }.Validate());
    }
}
