using Microsoft.eShopWeb.Infrastructure;
using Microsoft.eShopWeb.Infrastructure.Data;

var builder = WebApplication.CreateBuilder(args);

Dependencies.ConfigureServices(builder.Configuration, builder.Services);
builder.Services.AddHealthChecks().AddDbContextCheck<CatalogContext>("catalog_db");
builder.Services.AddRazorPages();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
}

app.UseStaticFiles();
app.UseRouting();
app.MapRazorPages();
app.MapHealthChecks("/health");
app.MapGet("/api/catalog", (CatalogContext db) => db.CatalogItems.Take(50).ToList());

app.Run();
