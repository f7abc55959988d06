from django.core.cache import cache
from django.shortcuts import render

from .models import Question


def index(request):
    latest = cache.get("latest_questions")
    if latest is None:
        latest = list(Question.objects.order_by("-pub_date")[:5])
        cache.set("latest_questions", latest, 30)
    return render(request, "polls/index.html", {"latest_question_list": latest})
