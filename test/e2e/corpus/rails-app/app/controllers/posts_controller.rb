class PostsController < ApplicationController
  def index
    @posts = Rails.cache.fetch("posts/recent", expires_in: 1.minute) { Post.order(created_at: :desc).limit(20).to_a }
  end

  def show
    @post = Post.find(params[:id])
  end
end
