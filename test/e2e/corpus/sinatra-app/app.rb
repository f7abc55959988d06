require "sinatra/base"
require "sinatra/json"
require "securerandom"

class LinkShortener < Sinatra::Base
  set :views, File.expand_path("views", __dir__)
  set :public_folder, File.expand_path("public", __dir__)

  get "/health" do
    json status: "ok"
  end

  get "/" do
    erb :index
  end

  post "/links" do
    code = SecureRandom.alphanumeric(6)
    DB[:links].insert(code: code, url: params.fetch("url"))
    json code: code
  end

  get "/:code" do
    url = CACHE.get("link:#{params[:code]}") || DB[:links].where(code: params[:code]).get(:url)
    halt 404 unless url
    CACHE.set("link:#{params[:code]}", url, ex: 300)
    redirect url
  end
end
