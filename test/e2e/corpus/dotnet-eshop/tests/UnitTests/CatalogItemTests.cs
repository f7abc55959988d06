using Microsoft.eShopWeb.ApplicationCore.Entities;
using Xunit;

public class CatalogItemTests
{
    [Fact]
    public void NewItemIsFree() => Assert.Equal(0m, new CatalogItem().Price);
}
