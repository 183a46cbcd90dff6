using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Imaging;

[Trait("Category", "Unit")]
public class ImageTensorTests
{
    [Fact]
    public void RoundTripIsExactAndRangeIsMinusOneToOne()
    {
        using var image = new Image<Rgb24>(5, 3);
        for (int y = 0; y < 3; y++)
        {
            for (int x = 0; x < 5; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 60), (byte)(y * 120), (byte)((x + y) * 30));
            }
        }

        using var tensor = ImageTensor.ToTensor(image);
        Assert.Equal(new long[] { 3, 3, 5 }, tensor.shape);
        Assert.Equal(-1f, tensor[0, 0, 0].item<float>());
        Assert.Equal(240 / 127.5f - 1f, tensor[0, 0, 4].item<float>(), 5);
        Assert.Equal(240 / 127.5f - 1f, tensor[1, 2, 0].item<float>(), 5);
        using var back = ImageTensor.ToImage(tensor);
        for (int y = 0; y < 3; y++)
        {
            for (int x = 0; x < 5; x++)
            {
                Assert.Equal(image[x, y], back[x, y]);
            }
        }
    }

    [Fact]
    public void BatchStacksImagesAndClampsOnTheWayBack()
    {
        using var a = new Image<Rgb24>(4, 4, new Rgb24(255, 0, 0));
        using var b = new Image<Rgb24>(4, 4, new Rgb24(0, 0, 255));
        using var batch = ImageTensor.ToBatch(new[] { a, b });
        Assert.Equal(new long[] { 2, 3, 4, 4 }, batch.shape);
        using var scaled = batch * 3;
        var images = ImageTensor.ToImages(scaled);
        Assert.Equal(new Rgb24(255, 0, 0), images[0][1, 1]);
        Assert.Equal(new Rgb24(0, 0, 255), images[1][1, 1]);
    }

    [Fact]
    public void PaddedBatchPlacesEachImageAtItsOffsetOnBlackMinusTheMean()
    {
        using var red = new Image<Rgb24>(3, 2, new Rgb24(200, 10, 0));
        using var grey = new Image<Rgb24>(4, 4, new Rgb24(100, 100, 100));
        float[] mean = { 120f, 110f, 100f };

        using var batch = ImageTensor.ToPaddedBatch(new[] { (red, 1, 2), (grey, 0, 0) }, 4, mean);

        Assert.Equal(new long[] { 2, 3, 4, 4 }, batch.shape);
        Assert.Equal((200 - 120) / 255f, batch[0, 0, 2, 1].item<float>(), 6);
        Assert.Equal((10 - 110) / 255f, batch[0, 1, 3, 3].item<float>(), 6);
        Assert.Equal(-120 / 255f, batch[0, 0, 0, 0].item<float>(), 6); // padding is black before the mean
        Assert.Equal(-100 / 255f, batch[0, 2, 3, 0].item<float>(), 6);
        Assert.Equal((100 - 100) / 255f, batch[1, 2, 3, 3].item<float>(), 6);
        Assert.Throws<System.ArgumentException>(() => ImageTensor.ToPaddedBatch(new[] { (grey, 1, 0) }, 4, mean));
    }
}
