from django.contrib import admin

from meldpunt.teams.models import Membership, RoutingRule, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ()


class RuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 1


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "round_robin", "last_assigned")
    search_fields = ("name",)
    inlines = [MembershipInline, RuleInline]
