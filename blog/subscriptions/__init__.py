"""Email subscriptions to the whole blog or to one author: double opt-in, one mail per new post."""
